"""Sign-in without an identity provider: the users file, the attempt guard, the allowed hosts.

The users file with argon2id hashes (`users`), the count of sign-in attempts kept in the
database before a password is checked (`sign_in_guard`), and the host names the server
answers to (`hosts`). The rules for who may sign in, how often and from where have their home
here; what a signed-in role may see is `geo.disclosure`.
"""
