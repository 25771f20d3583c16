"""The Typer command line: parses, calls the core, prints. Heavy imports stay inside commands."""

import gc

# A command lives for moments and builds many objects (a card object per card of a large
# collection, a state per studied card, the modules it imports) but hardly any reference
# cycles: the cyclic collector's default, a pass every 700 new objects, spends a few per cent
# of start-up finding nothing. A pass per 50,000 still collects a long session's cycles. Set
# here, before the command line's modules (typer among them) are imported.
gc.set_threshold(50_000, 10, 10)
