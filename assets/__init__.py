"""The program's data files, installed as the package ``gui.assets`` (see setup.py).

Found at run time through ``gui.resources``, never by a path relative to the
checkout, so wheels, editable installs and frozen builds behave the same.
"""
