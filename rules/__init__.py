"""Pure decision logic on canonical data: the bottom layer, importing nothing above it."""
