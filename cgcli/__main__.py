"""`python -m cgcli` runs the cgrad command."""
from .cli import main

main()
