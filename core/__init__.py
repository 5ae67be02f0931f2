"""Core vocabulary: models, plan, errors, E-model, capacity, atomic file I/O (imports nothing of ours)."""
