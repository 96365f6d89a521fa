"""Orders its output by slug ignoring case, as a directory listing might: 'custodian/Beta'
before 'custodian/alpha' is the order by slug; casefolded, it comes after."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
FINDS = "RES-018"
MESSAGE = r"output is not ordered by slug"
# RES-018 is a SHOULD: exploration judges it where SHOULDs count
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-strict"]


def casefolded(slugs):
    return sorted(slugs, key=str.casefold)


resolve = resolver(order=casefolded)
