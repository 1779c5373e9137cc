"""The weekly pulse: a short anonymous check-in between retros (motivation, three rotating questions, one
optional free-text question), with results only at close and only above the threshold."""
