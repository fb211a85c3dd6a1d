-- mysqmail schema. Safe to load twice: every statement is idempotent.
-- Load with: mariadb mysqmail < sql/mysqmail.sql
-- Names are stored as logged; domains are lower-cased by the loggers.
-- Comparisons are case-insensitive (utf8mb4_general_ci), as mail systems
-- treat addresses.

CREATE TABLE IF NOT EXISTS traffic (
  day DATE NOT NULL,
  service VARCHAR(8) CHARACTER SET ascii NOT NULL,
  domain VARCHAR(253) NOT NULL,
  localpart VARCHAR(64) NOT NULL,
  bytes_in BIGINT UNSIGNED NOT NULL DEFAULT 0,
  bytes_out BIGINT UNSIGNED NOT NULL DEFAULT 0,
  count_in BIGINT UNSIGNED NOT NULL DEFAULT 0,
  count_out BIGINT UNSIGNED NOT NULL DEFAULT 0,
  logins BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (day, service, domain, localpart),
  KEY domain_day (domain, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS mailbox (
  domain VARCHAR(253) NOT NULL,
  localpart VARCHAR(64) NOT NULL,
  password VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  home VARCHAR(255) NOT NULL DEFAULT '',
  uid INT UNSIGNED NOT NULL DEFAULT 0,
  gid INT UNSIGNED NOT NULL DEFAULT 0,
  active TINYINT NOT NULL DEFAULT 1,
  last_login DATETIME NULL,
  last_login_ip VARCHAR(45) CHARACTER SET ascii NULL,
  last_login_service VARCHAR(8) CHARACTER SET ascii NULL,
  PRIMARY KEY (domain, localpart)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS domain (
  name VARCHAR(253) NOT NULL PRIMARY KEY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- One row per input: the position of the last applied line, committed in
-- the same transaction as the traffic it caused. token identifies the last
-- batch, so that a logger that lost its connection during COMMIT can tell
-- whether that batch landed. newest is the date (Unix time) of the newest
-- line the source booked: a line dated more than MYSQMAIL_MAX_AGE before
-- it is refused, across restarts too. NULL (or a lower value) lets older
-- lines in again. refused counts the lines the source refused to book (a
-- number or a date out of bounds: doc/security.md), once each. unmatched
-- counts the lines that announce an event of the daemon (a delivery, a
-- session's end, a transfer) but that the logger could not read, once each:
-- a rise means the daemon writes its lines another way (doc/loggers.md).
CREATE TABLE IF NOT EXISTS `cursor` (
  source VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  position VARCHAR(255) CHARACTER SET ascii NULL,
  updated DATETIME NULL,
  token BIGINT UNSIGNED NOT NULL DEFAULT 0,
  newest BIGINT NULL,
  refused BIGINT UNSIGNED NOT NULL DEFAULT 0,
  unmatched BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- newest, refused and unmatched, for a cursor table made before them; the rows are
-- kept (MariaDB and MySQL alike: MySQL has no ADD COLUMN IF NOT EXISTS)
SET @mysqmail_ddl = IF(EXISTS (SELECT 1 FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cursor' AND COLUMN_NAME = 'newest'),
  'DO 0', 'ALTER TABLE `cursor` ADD COLUMN newest BIGINT NULL');
PREPARE mysqmail_ddl FROM @mysqmail_ddl;
EXECUTE mysqmail_ddl;
SET @mysqmail_ddl = IF(EXISTS (SELECT 1 FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cursor' AND COLUMN_NAME = 'refused'),
  'DO 0', 'ALTER TABLE `cursor` ADD COLUMN refused BIGINT UNSIGNED NOT NULL DEFAULT 0');
PREPARE mysqmail_ddl FROM @mysqmail_ddl;
EXECUTE mysqmail_ddl;
SET @mysqmail_ddl = IF(EXISTS (SELECT 1 FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cursor' AND COLUMN_NAME = 'unmatched'),
  'DO 0', 'ALTER TABLE `cursor` ADD COLUMN unmatched BIGINT UNSIGNED NOT NULL DEFAULT 0');
PREPARE mysqmail_ddl FROM @mysqmail_ddl;
EXECUTE mysqmail_ddl;
DEALLOCATE PREPARE mysqmail_ddl;

-- mysqmail-meter: one row per booked session, written in the same
-- transaction as its traffic, so that a session is never booked twice (a
-- lost answer to COMMIT, a spool file a crash kept from being removed).
-- Rows older than the oldest file in any MYSQMAIL_SPOOL may be deleted.
CREATE TABLE IF NOT EXISTS meter_session (
  id CHAR(40) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  booked DATETIME NOT NULL
) ENGINE=InnoDB;

-- mysqmail-checkpwd: login attempts, counted before the password is
-- checked, per login from one address (kind 'pair', name "localpart@domain
-- address", limit MYSQMAIL_AUTH_MAXFAIL), per remote address (kind 'ip',
-- MYSQMAIL_AUTH_MAXFAIL_IP) and per login from every address (kind
-- 'login', MYSQMAIL_AUTH_MAXFAIL_LOGIN). Attempts less than
-- MYSQMAIL_AUTH_LOCKOUT seconds apart add up; a full counter refuses
-- further attempts, without counting them, until the lockout has passed
-- since the last attempt it counted. A good password clears its login's
-- rows and gives the address its attempt back. Times are UTC. Rows past
-- the lockout are deleted as failures come; deleting any row unlocks it.
CREATE TABLE IF NOT EXISTS authfail (
  kind VARCHAR(5) CHARACTER SET ascii NOT NULL,
  name VARCHAR(400) NOT NULL,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  last DATETIME NOT NULL,
  PRIMARY KEY (kind, name),
  KEY last (last)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
-- before the 'pair' kind, name held 320 characters: a login and its address need more
ALTER TABLE authfail MODIFY name VARCHAR(400) NOT NULL;

-- a journal position ("j:" and an sd-journal cursor, mysqmail-*-logger -j)
-- needs more than the 64 characters of a cursor table made before it
SET @mysqmail_ddl = IF((SELECT CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cursor' AND COLUMN_NAME = 'position') >= 255,
  'DO 0', 'ALTER TABLE `cursor` MODIFY position VARCHAR(255) CHARACTER SET ascii NULL');
PREPARE mysqmail_ddl FROM @mysqmail_ddl;
EXECUTE mysqmail_ddl;
DEALLOCATE PREPARE mysqmail_ddl;

-- outcomes, booked by the Postfix and qmail loggers in the batch transaction, to the hosted
-- side (the recipient, else the sender), per (day, domain, localpart)
CREATE TABLE IF NOT EXISTS outcome (
  day DATE NOT NULL,
  domain VARCHAR(253) NOT NULL,
  localpart VARCHAR(64) NOT NULL,
  bounced BIGINT UNSIGNED NOT NULL DEFAULT 0,     -- mails bounced (status=bounced, per rcpt)
  deferrals BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- deferral attempts (status=deferred lines)
  deferred BIGINT UNSIGNED NOT NULL DEFAULT 0,    -- mails deferred at least once (per rcpt, once)
  expired BIGINT UNSIGNED NOT NULL DEFAULT 0,     -- mails returned after the queue lifetime
  rejected_4xx BIGINT UNSIGNED NOT NULL DEFAULT 0,-- recipients rejected at SMTP time, 4xx
  rejected_5xx BIGINT UNSIGNED NOT NULL DEFAULT 0,-- and 5xx
  PRIMARY KEY (day, domain, localpart),
  KEY domain_day (domain, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- outgoing mail per sender, booked by the Postfix (and qmail) logger: kind 'sender' is the
-- hosted envelope sender (domain, localpart), kind 'login' the SASL login (sasl_username=),
-- split at its last '@' (no '@': domain '' and localpart = the login). mails counts a message
-- once (when its first recipient is delivered), rcpts each recipient delivered, bytes the
-- message size per recipient delivered (as traffic.bytes_out).
CREATE TABLE IF NOT EXISTS outbound (
  day DATE NOT NULL,
  kind VARCHAR(6) CHARACTER SET ascii NOT NULL,   -- 'sender' or 'login'
  domain VARCHAR(253) NOT NULL,
  localpart VARCHAR(255) NOT NULL,
  mails BIGINT UNSIGNED NOT NULL DEFAULT 0,
  rcpts BIGINT UNSIGNED NOT NULL DEFAULT 0,
  bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (day, kind, domain, localpart),
  KEY kind_domain (kind, domain, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- sending limits, set by the operator. scope: 'domain' (name = domain), 'mailbox'
-- (name = localpart@domain), 'login' (name = the SASL login as logged).
-- metric: 'mails_out', 'rcpts_out', 'bytes_out' (from outbound: kind 'sender' for
-- domain/mailbox, kind 'login' for login), 'bytes_total' (traffic bytes_in+bytes_out, all
-- services; for a login: its outbound bytes). period: 'day' or 'month' (local time).
-- action: 'warn' (alert only), 'defer' (DEFER_IF_PERMIT), 'reject' (REJECT); message: what
-- the client sees (NULL: a default text). mysqmail-policy reads it at each request.
CREATE TABLE IF NOT EXISTS sendlimit (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  scope VARCHAR(7) CHARACTER SET ascii NOT NULL,
  name VARCHAR(320) NOT NULL,
  period VARCHAR(5) CHARACTER SET ascii NOT NULL,
  metric VARCHAR(11) CHARACTER SET ascii NOT NULL,
  max BIGINT UNSIGNED NOT NULL,
  action VARCHAR(6) CHARACTER SET ascii NOT NULL DEFAULT 'defer',
  message VARCHAR(255) NULL,
  UNIQUE KEY what (scope, name, period, metric)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- alerts: one row per crossing of 80% or 100% of a limit in one period,
-- inserted in the transaction that booked the traffic that crossed it, so
-- that whichever logger or host books it, it is there once. max is the
-- limit's max when the level was crossed (a limit raised since is crossed
-- anew: doc/mysqmail-alert.md), attempts how many times mysqmail-alert
-- started the alert program for it; the notifier looks for what is not
-- notified yet.
CREATE TABLE IF NOT EXISTS limit_crossing (
  limit_id INT UNSIGNED NOT NULL,
  period_start DATE NOT NULL,
  level TINYINT UNSIGNED NOT NULL,                -- 80 or 100
  used BIGINT UNSIGNED NOT NULL,
  max BIGINT UNSIGNED NOT NULL DEFAULT 0,
  crossed DATETIME NOT NULL,
  notified DATETIME NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (limit_id, period_start, level),
  KEY pending (notified)
) ENGINE=InnoDB;
