"""Package layout that ``pyproject.toml`` cannot say on its own.

The bundled data stays in the top-level ``assets/`` folder of the checkout and
is installed as the package ``gui.assets`` (``package_dir`` maps one onto the
other), so a wheel, an editable install and the source tree all find it with
``importlib.resources`` (see ``gui/resources.py``). Every other setting,
including which files of ``assets/`` ship, is in ``pyproject.toml``.
"""

from setuptools import find_namespace_packages, find_packages, setup

# The data folders (i18n, icons, ...) are listed as packages too: setuptools
# ships data files only from packages it knows of.
DATA_FOLDERS = [f"gui.assets.{name}" for name in find_namespace_packages(where="assets")]

setup(
    packages=[*find_packages(include=["gui", "gui.*"]), "gui.assets", *DATA_FOLDERS],
    package_dir={"gui.assets": "assets"},
)
