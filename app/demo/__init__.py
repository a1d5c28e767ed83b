"""Demo data, kept out of the runtime: the demo city (a fictitious Wuxi-like city and its people),
its "1+3" services and barometer, and years of generated history. Only `flask beian demo` (demo
mode only), the tests and the benchmarks import it."""
