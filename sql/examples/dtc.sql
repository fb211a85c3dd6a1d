-- mysqmail-checkpwd against DTC's database (here named `dtc`), the setup
-- MySQMail was first written for.
--
-- DTC keeps POP/IMAP accounts in pop_access: the local part in `id`, the
-- domain in `mbox_host`, the password in clear in `passwd` (legacy) and
-- crypt(3)ed in `crypt`, each account's own home, uid and gid, `active`.
-- The query prefers the clear one when there is one and marks it {PLAIN},
-- so that a clear password starting with `$` or `{` is never read as a
-- hash; else it checks `crypt` (DES, $1$, ... whatever crypt(3) knows).
-- Keep mysqmail in its own database (MYSQMAIL_DATABASE=mysqmail) and give
-- the mysqmail user SELECT on dtc.pop_access.
--
-- Put each line below, after the `=`, in the env dir file of that name:
-- MYSQMAIL_AUTH_QUERY=SELECT IF(passwd <> '', CONCAT('{PLAIN}', passwd), CONCAT('{CRYPT}', crypt)), home, uid, gid, active FROM dtc.pop_access WHERE id = %n AND mbox_host = %d
-- MYSQMAIL_AUTH_UPDATE=
--
-- The columns the query reads, as DTC's dtc_db.php creates them (the real
-- table has many more); loading this file into an empty database makes
-- one to try the query on.

CREATE TABLE IF NOT EXISTS pop_access (
  id VARCHAR(32) NOT NULL DEFAULT '',
  uid INT(11) NOT NULL DEFAULT 65534,
  gid INT(11) NOT NULL DEFAULT 65534,
  home VARCHAR(255) NOT NULL DEFAULT '',
  shell VARCHAR(255) NOT NULL DEFAULT '',
  mbox_host VARCHAR(120) NOT NULL DEFAULT '',
  crypt VARCHAR(255) NOT NULL DEFAULT '',
  passwd VARCHAR(255) NOT NULL DEFAULT '',
  active INT(11) NOT NULL DEFAULT 1,
  PRIMARY KEY (id, mbox_host)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
