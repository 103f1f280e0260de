"""Go's net packages."""
