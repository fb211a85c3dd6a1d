-- mysqmail-checkpwd against vpopmail's MySQL backend (database `vpopmail`,
-- built with --enable-many-domains: one `vpopmail` table for all domains).
--
-- vpopmail's pw_uid and pw_gid are not system ids: pw_gid holds flags, among
-- them NO_POP (0x02) and NO_IMAP (0x08), which the query turns into the
-- active column for the service asked (%s: pop3 or imap, from SERVICE or
-- MYSQMAIL_SERVICE). Every mailbox belongs to the vpopmail system user
-- (uid 89, gid 89 here: use yours). pw_passwd holds a crypt(3) hash; with
-- --enable-clear-passwd pw_clear_passwd has it in clear, unused here.
-- Logins go to vpopmail's lastauth table, as vchkpw does. Keep mysqmail
-- in its own database (MYSQMAIL_DATABASE=mysqmail) and give the mysqmail
-- user SELECT on vpopmail.vpopmail and INSERT, DELETE on vpopmail.lastauth.
--
-- Put each line below, after the `=`, in the env dir file of that name:
-- MYSQMAIL_AUTH_QUERY=SELECT CONCAT('{CRYPT}', pw_passwd), pw_dir, 89, 89, NOT ((pw_gid & 2 AND %s = 'pop3') OR (pw_gid & 8 AND %s = 'imap')) FROM vpopmail.vpopmail WHERE pw_name = %n AND pw_domain = %d
-- MYSQMAIL_AUTH_UPDATE=REPLACE INTO vpopmail.lastauth (user, domain, remote_ip, timestamp) VALUES (%n, %d, COALESCE(%r, ''), UNIX_TIMESTAMP())
--
-- The tables as vpopmail 5.4's vmysql.h creates them; loading this file
-- into an empty database makes one to try the queries on.

CREATE TABLE IF NOT EXISTS vpopmail (
  pw_name CHAR(32) NOT NULL,
  pw_domain CHAR(96) NOT NULL,
  pw_passwd CHAR(40),
  pw_uid INT,
  pw_gid INT,
  pw_gecos CHAR(48),
  pw_dir CHAR(160),
  pw_shell CHAR(20),
  pw_clear_passwd CHAR(16),
  PRIMARY KEY (pw_name, pw_domain)
);

CREATE TABLE IF NOT EXISTS lastauth (
  user CHAR(32) NOT NULL,
  domain CHAR(96) NOT NULL,
  remote_ip CHAR(18) NOT NULL,
  timestamp BIGINT DEFAULT 0 NOT NULL,
  PRIMARY KEY (user, domain)
);
