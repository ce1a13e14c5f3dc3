"""One module per figure (or per figures measured together); see BENCHMARKS.md."""
