"""Go's encoding packages."""

__all__ = ["gob"]
