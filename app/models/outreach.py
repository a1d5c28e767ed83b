"""Models of the "1+3" services (issue "1+3 services"): events, key enterprises, knowledge base,
district issue desk."""
