"""Qt item models over the store (paged, bounded memory)."""
