"""ARBridge package."""
