"""Script subcommands (export, send, simulate); each registers itself in gui.cli."""
