"""Individual (worker) accounts: registration, real-name verification, the person's own records,
change requests and disputes, with the staff decisions on them."""

# Nothing here tells a caller whether a given ID number is on file: registration and
# verification answer the same way either way (the one-time code only goes to the phone on file).
