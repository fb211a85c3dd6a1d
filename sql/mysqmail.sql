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
-- number or a date out of bounds: doc/security.md), once each.
CREATE TABLE IF NOT EXISTS `cursor` (
  source VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  position VARCHAR(255) CHARACTER SET ascii NULL,
  updated DATETIME NULL,
  token BIGINT UNSIGNED NOT NULL DEFAULT 0,
  newest BIGINT NULL,
  refused BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- newest and refused, for a cursor table made before them; the rows are
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
