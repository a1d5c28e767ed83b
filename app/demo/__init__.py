"""Demo data: the demo city, its "1+3" services and barometer, and years of generated history.
Run by `flask beian demo` (demo mode only), never by the runtime."""
