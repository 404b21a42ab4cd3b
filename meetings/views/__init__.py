"""The meetings app's pages, one module per stage: planning, the room, and afterwards."""
