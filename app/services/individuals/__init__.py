"""Individual (worker) accounts: self-registration (registration), real-name verification through
a pluggable verifier (verification), the verified person's own records (records), change
requests (change_requests) and disputes (disputes), with the staff decisions on them.

Nothing here tells a caller whether a given ID number is on file: registration and verification
answer the same way either way (the one-time code only goes to the phone already on file)."""
