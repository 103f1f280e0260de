"""Go's net packages."""

__all__ = ["rpc"]
