-- DTC compatibility: keeps DTC's own accounting tables up to date from
-- mysqmail's traffic, the way MySQMail 0.4 updated them, so that DTC's
-- panel and its bandwidth checks go on working.
--
-- Load it, after sql/mysqmail.sql, into the database that holds both
-- traffic and DTC's tables (MySQMail's `mysql_db`, usually `dtc`; set
-- MYSQMAIL_DATABASE to it):
--     mariadb dtc < sql/mysqmail.sql
--     mariadb dtc < sql/compat-dtc.sql
-- Safe to load twice. Only traffic booked after loading reaches DTC's
-- tables: load it before the loggers start.
--
-- Why triggers, not views: DTC writes these tables itself (it creates
-- the rows, resets ftp_access.dl_bytes/ul_bytes in its cron, keeps
-- passwords in pop_access and ftp_access), so they must stay tables.
-- Triggers on traffic add each increment to them in the same
-- transaction as the traffic itself: a batch that is rolled back or
-- replayed after a crash adds nothing twice. That needs DTC's tables to
-- be InnoDB (DTC creates them MyISAM, whose rows a rollback does not
-- undo), so this file converts them; and it widens their counters to
-- BIGINT UNSIGNED, since int(14) columns stop at 2 or 4 GB.
--
-- What goes where (columns as DTC's dtc_db.php and MySQMail 0.4.9 name
-- them; month and year are those of the traffic day):
--   email_accounting (domain_name, month, year):
--       smtp_trafic += smtp bytes_in + bytes_out of the domain
--       pop_trafic  += pop3 bytes_in + bytes_out
--       imap_trafic += imap bytes_in + bytes_out
--     MySQMail booked a mail between two hosted domains to the
--     recipient's domain only; here each side counts its own: the
--     recipient's domain its bytes_in, the sender's its bytes_out.
--     Rows with an empty domain are not booked.
--   pop_access (id = localpart, mbox_host = domain), existing rows only:
--       pop3_login_count += pop3 logins, pop3_transfered_bytes += pop3 bytes,
--       imap_login_count += imap logins, imap_transfered_bytes += imap bytes,
--       last_login (Unix time) := the time the login was booked, or the
--       end of its day when a past day is replayed; never goes back.
--   ftp_access (login = localpart@domain, or localpart when the domain
--   is empty: do not set MYSQMAIL_DOMAIN for the FTP logger), existing
--   rows only:
--       ul_bytes += bytes_in, ul_count += count_in,
--       dl_bytes += bytes_out, dl_count += count_out, login_count += logins
--   ftp_accounting (sub_domain, month, year):
--       transfer += ftp bytes_in + bytes_out, hits += files both ways;
--     sub_domain is the login's ftp_access.hostname, else its domain.
--     Some DTC versions' cron (sum_ftp) moves ftp_access's dl_bytes and
--     ul_bytes into ftp_accounting itself; with those, FTP would count
--     twice: drop this part with
--         DROP TRIGGER mysqmail_dtc_ftp_insert;
--         DROP TRIGGER mysqmail_dtc_ftp_update;
--
-- Not passed on: the outcome table (bounced, deferred, expired and
-- rejected mail) and the outbound table (mail sent per hosted sender and
-- per SASL login). The DTC tables this file feeds (email_accounting,
-- pop_access, ftp_access, ftp_accounting, as dtc_db.php and MySQMail
-- 0.4.9 define them) have no column for a delivery's outcome or for
-- mail per sender or login: email_accounting counts bytes per domain and
-- month only. They stay in mysqmail's own tables, which
-- mysqmail-report shows (its text, `-c -T outcome`, `-c -T outbound`,
-- and `-m`).
--
-- Deleting traffic rows (expiry) leaves DTC's numbers alone. Changing a
-- row by hand moves DTC's numbers by the same amount. An increment that
-- does not fit DTC's column (a domain over 128 characters, a counter
-- DTC narrowed back) is left out of DTC's table, never allowed to stop
-- the logger: traffic itself always has every byte.

-- The tables as DTC creates them (only the columns used here besides
-- the keys), for a database without DTC, such as the tests'.
CREATE TABLE IF NOT EXISTS email_accounting (
  id INT(11) NOT NULL AUTO_INCREMENT,
  domain_name VARCHAR(128) NOT NULL DEFAULT '',
  smtp_trafic BIGINT UNSIGNED NOT NULL DEFAULT 0,
  pop_trafic BIGINT UNSIGNED NOT NULL DEFAULT 0,
  imap_trafic BIGINT UNSIGNED NOT NULL DEFAULT 0,
  month INT(2) NOT NULL DEFAULT 0,
  year INT(4) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY domain_name (domain_name, month, year)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS pop_access (
  id VARCHAR(32) NOT NULL DEFAULT '',
  mbox_host VARCHAR(120) NOT NULL DEFAULT '',
  PRIMARY KEY (id, mbox_host)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS ftp_access (
  login VARCHAR(50) NOT NULL DEFAULT '',
  hostname VARCHAR(64) NOT NULL DEFAULT '',
  UNIQUE KEY login (login)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS ftp_accounting (
  id INT(14) NOT NULL AUTO_INCREMENT,
  sub_domain VARCHAR(50) NOT NULL DEFAULT '',
  transfer BIGINT UNSIGNED NOT NULL DEFAULT 0,
  last_run INT(14) NOT NULL DEFAULT 0,
  month INT(4) NOT NULL DEFAULT 0,
  year INT(4) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY sub_domain (sub_domain, month, year)
) ENGINE=InnoDB;

-- the counters older DTC versions lack, the engine, the widths, and
-- the unique keys the per-month rows are found by
ALTER TABLE pop_access
  ADD COLUMN IF NOT EXISTS pop3_login_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS pop3_transfered_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS imap_login_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS imap_transfered_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS last_login INT(14) NOT NULL DEFAULT 0;
ALTER TABLE pop_access ENGINE=InnoDB,
  MODIFY pop3_login_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY pop3_transfered_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY imap_login_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY imap_transfered_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0;

ALTER TABLE ftp_access
  ADD COLUMN IF NOT EXISTS login_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS dl_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS ul_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS dl_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS ul_count BIGINT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE ftp_access ENGINE=InnoDB,
  MODIFY login_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY dl_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY ul_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY dl_count BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY ul_count BIGINT UNSIGNED NOT NULL DEFAULT 0;

ALTER TABLE email_accounting ENGINE=InnoDB,
  MODIFY smtp_trafic BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY pop_trafic BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY imap_trafic BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD UNIQUE KEY IF NOT EXISTS domain_name (domain_name, month, year);

ALTER TABLE ftp_accounting
  ADD COLUMN IF NOT EXISTS hits BIGINT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE ftp_accounting ENGINE=InnoDB,
  MODIFY transfer BIGINT UNSIGNED NOT NULL DEFAULT 0,
  MODIFY hits BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD UNIQUE KEY IF NOT EXISTS sub_domain (sub_domain, month, year);

DELIMITER //

-- one traffic increment (signed: a row corrected by hand may go down)
-- into email_accounting, pop_access and ftp_access
CREATE OR REPLACE PROCEDURE mysqmail_dtc_book (d DATE, svc VARCHAR(8), dom VARCHAR(253), lp VARCHAR(64),
  din BIGINT, dout BIGINT, cin BIGINT, cout BIGINT, lg BIGINT)
  MODIFIES SQL DATA
BEGIN
  DECLARE bytes BIGINT DEFAULT din + dout;
  -- out of range, data too long: leave DTC's row as it is, go on
  DECLARE CONTINUE HANDLER FOR 1264, 1406, 1690 BEGIN END;
  IF bytes <> 0 AND dom <> '' AND svc IN ('smtp', 'pop3', 'imap') THEN
    INSERT INTO email_accounting (domain_name, month, year, smtp_trafic, pop_trafic, imap_trafic)
      VALUES (dom, MONTH(d), YEAR(d), IF(svc = 'smtp', GREATEST(bytes, 0), 0),
        IF(svc = 'pop3', GREATEST(bytes, 0), 0), IF(svc = 'imap', GREATEST(bytes, 0), 0))
      ON DUPLICATE KEY UPDATE smtp_trafic = smtp_trafic + IF(svc = 'smtp', bytes, 0),
        pop_trafic = pop_trafic + IF(svc = 'pop3', bytes, 0), imap_trafic = imap_trafic + IF(svc = 'imap', bytes, 0);
  END IF;
  IF (bytes <> 0 OR lg <> 0) AND svc = 'pop3' THEN
    UPDATE pop_access SET pop3_login_count = pop3_login_count + lg,
        pop3_transfered_bytes = pop3_transfered_bytes + bytes,
        last_login = IF(lg > 0, GREATEST(last_login, UNIX_TIMESTAMP(LEAST(NOW(), TIMESTAMP(d, '23:59:59')))), last_login)
      WHERE id = lp AND mbox_host = dom;
  ELSEIF (bytes <> 0 OR lg <> 0) AND svc = 'imap' THEN
    UPDATE pop_access SET imap_login_count = imap_login_count + lg,
        imap_transfered_bytes = imap_transfered_bytes + bytes,
        last_login = IF(lg > 0, GREATEST(last_login, UNIX_TIMESTAMP(LEAST(NOW(), TIMESTAMP(d, '23:59:59')))), last_login)
      WHERE id = lp AND mbox_host = dom;
  ELSEIF svc = 'ftp' THEN
    UPDATE ftp_access SET ul_bytes = ul_bytes + din, dl_bytes = dl_bytes + dout,
        ul_count = ul_count + cin, dl_count = dl_count + cout, login_count = login_count + lg
      WHERE login = IF(dom = '', lp, CONCAT(lp, '@', dom));
  END IF;
END //

-- FTP bytes and files per DTC sub_domain and month
CREATE OR REPLACE PROCEDURE mysqmail_dtc_ftp (d DATE, dom VARCHAR(253), lp VARCHAR(64), bytes BIGINT, files BIGINT)
  MODIFIES SQL DATA
BEGIN
  DECLARE sub VARCHAR(253) DEFAULT NULL;
  DECLARE CONTINUE HANDLER FOR 1264, 1406, 1690 BEGIN END;
  IF bytes <> 0 OR files <> 0 THEN
    SET sub = (SELECT hostname FROM ftp_access WHERE login = IF(dom = '', lp, CONCAT(lp, '@', dom)) LIMIT 1);
    IF sub IS NULL AND dom <> '' THEN SET sub = dom; END IF;
    IF sub IS NOT NULL THEN
      INSERT INTO ftp_accounting (sub_domain, month, year, transfer, hits, last_run)
        VALUES (sub, MONTH(d), YEAR(d), GREATEST(bytes, 0), GREATEST(files, 0), UNIX_TIMESTAMP())
        ON DUPLICATE KEY UPDATE transfer = transfer + bytes, hits = hits + files;
    END IF;
  END IF;
END //

CREATE OR REPLACE TRIGGER mysqmail_dtc_insert AFTER INSERT ON traffic FOR EACH ROW
  CALL mysqmail_dtc_book(NEW.day, NEW.service, NEW.domain, NEW.localpart,
    NEW.bytes_in, NEW.bytes_out, NEW.count_in, NEW.count_out, NEW.logins) //

-- the loggers' INSERT ... ON DUPLICATE KEY UPDATE lands here for rows
-- that exist: book the difference; a row moved by hand to another key
-- leaves its old place and arrives at its new one
CREATE OR REPLACE TRIGGER mysqmail_dtc_update AFTER UPDATE ON traffic FOR EACH ROW
BEGIN
  IF NEW.day = OLD.day AND NEW.service = OLD.service AND NEW.domain = OLD.domain AND NEW.localpart = OLD.localpart THEN
    CALL mysqmail_dtc_book(NEW.day, NEW.service, NEW.domain, NEW.localpart,
      CAST(NEW.bytes_in AS SIGNED) - CAST(OLD.bytes_in AS SIGNED), CAST(NEW.bytes_out AS SIGNED) - CAST(OLD.bytes_out AS SIGNED),
      CAST(NEW.count_in AS SIGNED) - CAST(OLD.count_in AS SIGNED), CAST(NEW.count_out AS SIGNED) - CAST(OLD.count_out AS SIGNED),
      CAST(NEW.logins AS SIGNED) - CAST(OLD.logins AS SIGNED));
  ELSE
    CALL mysqmail_dtc_book(OLD.day, OLD.service, OLD.domain, OLD.localpart,
      -CAST(OLD.bytes_in AS SIGNED), -CAST(OLD.bytes_out AS SIGNED), -CAST(OLD.count_in AS SIGNED),
      -CAST(OLD.count_out AS SIGNED), -CAST(OLD.logins AS SIGNED));
    CALL mysqmail_dtc_book(NEW.day, NEW.service, NEW.domain, NEW.localpart,
      NEW.bytes_in, NEW.bytes_out, NEW.count_in, NEW.count_out, NEW.logins);
  END IF;
END //

CREATE OR REPLACE TRIGGER mysqmail_dtc_ftp_insert AFTER INSERT ON traffic FOR EACH ROW
  IF NEW.service = 'ftp' THEN
    CALL mysqmail_dtc_ftp(NEW.day, NEW.domain, NEW.localpart,
      NEW.bytes_in + NEW.bytes_out, NEW.count_in + NEW.count_out);
  END IF //

CREATE OR REPLACE TRIGGER mysqmail_dtc_ftp_update AFTER UPDATE ON traffic FOR EACH ROW
BEGIN
  IF NEW.day = OLD.day AND NEW.service = OLD.service AND NEW.domain = OLD.domain AND NEW.localpart = OLD.localpart THEN
    IF NEW.service = 'ftp' THEN
      CALL mysqmail_dtc_ftp(NEW.day, NEW.domain, NEW.localpart,
        CAST(NEW.bytes_in + NEW.bytes_out AS SIGNED) - CAST(OLD.bytes_in + OLD.bytes_out AS SIGNED),
        CAST(NEW.count_in + NEW.count_out AS SIGNED) - CAST(OLD.count_in + OLD.count_out AS SIGNED));
    END IF;
  ELSE
    IF OLD.service = 'ftp' THEN
      CALL mysqmail_dtc_ftp(OLD.day, OLD.domain, OLD.localpart,
        -CAST(OLD.bytes_in + OLD.bytes_out AS SIGNED), -CAST(OLD.count_in + OLD.count_out AS SIGNED));
    END IF;
    IF NEW.service = 'ftp' THEN
      CALL mysqmail_dtc_ftp(NEW.day, NEW.domain, NEW.localpart,
        NEW.bytes_in + NEW.bytes_out, NEW.count_in + NEW.count_out);
    END IF;
  END IF;
END //

DELIMITER ;
