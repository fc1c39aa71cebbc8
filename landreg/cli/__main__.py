"""``python -m landreg.cli`` runs the command line."""

from landreg.cli import main

main()
