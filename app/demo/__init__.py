"""Demo data generators (a fictitious Wuxi-like city and its people), kept out of the runtime:
only `flask beian demo`, the tests and the benchmarks import them."""
