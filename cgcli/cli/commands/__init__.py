"""One module per cgrad command."""
