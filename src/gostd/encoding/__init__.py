"""Go's encoding packages."""
