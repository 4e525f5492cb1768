"""The contributors' and maintainers' tools: new, from-issue, sync, pr-summary, a-verifier.

Takes answers, issue bodies and git history. Hands on venue files, the generated issue
form, CONTRIBUTING.md tables, CODEOWNERS and French summaries for pull requests.
"""
