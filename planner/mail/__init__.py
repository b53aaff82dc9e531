"""The mailbox adapters: mail account settings and passwords (:mod:`.config`), sending
over SMTP (:mod:`.smtp`), reading headers over IMAP (:mod:`.imap`) and from mbox or
Maildir files (:mod:`.files`), parsing headers (:mod:`.headers`), and the errors a user
is shown (:mod:`.errors`)."""
