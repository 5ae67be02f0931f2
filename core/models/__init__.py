"""Typed models crossing module boundaries: facts, findings, probe results, site results."""
