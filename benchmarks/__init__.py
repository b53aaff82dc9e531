"""Speed and accuracy measurements: `make bench` (python -m benchmarks) runs them all."""
