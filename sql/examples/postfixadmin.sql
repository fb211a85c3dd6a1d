-- mysqmail-checkpwd against PostfixAdmin's database (here named `postfix`).
--
-- PostfixAdmin keeps its own `mailbox` and `domain` tables, whose names
-- collide with mysqmail's: keep mysqmail in its own database
-- (MYSQMAIL_DATABASE=mysqmail, for authfail and traffic) and name
-- PostfixAdmin's database in the query. Give the mysqmail user SELECT on
-- postfix.mailbox and postfix.domain. Mail lives under /var/vmail as one
-- system user (uid and gid 5000 here: use your vmail user's). PostfixAdmin
-- stores passwords as its `encrypt` setting says: md5crypt ($1$),
-- dovecot:SHA512-CRYPT ({SHA512-CRYPT}$6$...), dovecot:BLF-CRYPT, php_crypt
-- ($2y$ ...), cleartext: all understood.
--
-- Put each line below, after the `=`, in the env dir file of that name:
-- MYSQMAIL_AUTH_QUERY=SELECT m.password, CONCAT('/var/vmail/', m.maildir), 5000, 5000, m.active AND d.active FROM postfix.mailbox m JOIN postfix.domain d ON d.domain = m.domain WHERE m.username = %u
-- MYSQMAIL_AUTH_UPDATE=
--
-- (PostfixAdmin has no last-login column: MYSQMAIL_AUTH_UPDATE is empty,
-- which is also what an unset one means with an own MYSQMAIL_AUTH_QUERY.)
--
-- The columns the query reads, as PostfixAdmin 3.x creates them (the real
-- tables have more); loading this file into an empty database makes one
-- to try the query on.

CREATE TABLE IF NOT EXISTS domain (
  domain VARCHAR(255) NOT NULL PRIMARY KEY,
  description VARCHAR(255) NOT NULL DEFAULT '',
  transport VARCHAR(255) NULL,
  active TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS mailbox (
  username VARCHAR(255) NOT NULL PRIMARY KEY,
  password VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL DEFAULT '',
  maildir VARCHAR(255) NOT NULL,
  quota BIGINT NOT NULL DEFAULT 0,
  local_part VARCHAR(255) NOT NULL,
  domain VARCHAR(255) NOT NULL,
  created DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00',
  modified DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00',
  active TINYINT(1) NOT NULL DEFAULT 1,
  KEY domain (domain)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
