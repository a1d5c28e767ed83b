"""Bulk filing (批量导入备案): upload a spreadsheet or submit rows through the API (upload),
follow a batch (status), check and file it off the request path (processing, engine), ask to
file it (filing), decide a mass-termination batch at once (approval), and the files handed out
(files). A batch is first-class: the file's hash, who, when, counts and the filings it made."""
