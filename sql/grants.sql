-- Least privilege for mysqmail, as roles. Load it into the mysqmail
-- database as an administrator (after sql/mysqmail.sql):
--     mariadb mysqmail < sql/grants.sql
-- then give each program's user its role, e.g.
--     CREATE USER 'mysqmail-logger'@'localhost' IDENTIFIED BY '...';
--     GRANT mysqmail_logger TO 'mysqmail-logger'@'localhost';
--     SET DEFAULT ROLE mysqmail_logger FOR 'mysqmail-logger'@'localhost';
-- Safe to load twice.

-- the loggers: add to traffic, move their cursor (position, token and the
-- newest date booked, which MYSQMAIL_MAX_AGE counts back from), read the hosted domains,
-- record last logins of mailboxes that exist. Nothing else: no password,
-- no DELETE, no other table.
CREATE ROLE IF NOT EXISTS mysqmail_logger;
GRANT SELECT, INSERT, UPDATE ON traffic TO mysqmail_logger;
GRANT SELECT, INSERT, UPDATE ON `cursor` TO mysqmail_logger;
GRANT SELECT ON domain TO mysqmail_logger;
GRANT SELECT, INSERT, UPDATE ON outcome TO mysqmail_logger;
GRANT SELECT, INSERT, UPDATE ON outbound TO mysqmail_logger;
GRANT SELECT (domain, localpart, last_login),
      UPDATE (last_login, last_login_ip, last_login_service) ON mailbox TO mysqmail_logger;
-- the sending limits' crossings, recorded in the batch that crossed them
-- (sendlimit is read FOR UPDATE: two batches record one after the other)
GRANT SELECT ON sendlimit TO mysqmail_logger;
GRANT SELECT, INSERT, UPDATE ON limit_crossing TO mysqmail_logger;

-- mysqmail-checkpwd: read what a login needs, record last logins, count
-- failures.
CREATE ROLE IF NOT EXISTS mysqmail_auth;
GRANT SELECT (domain, localpart, password, home, uid, gid, active, last_login),
      UPDATE (last_login, last_login_ip, last_login_service) ON mailbox TO mysqmail_auth;
GRANT SELECT, INSERT, UPDATE, DELETE ON authfail TO mysqmail_auth;

-- mysqmail-meter and mysqmail-spool: add to traffic, record each booked
-- session once, last logins.
CREATE ROLE IF NOT EXISTS mysqmail_meter;
GRANT SELECT, INSERT, UPDATE ON traffic TO mysqmail_meter;
GRANT SELECT, INSERT, DELETE ON meter_session TO mysqmail_meter;   -- DELETE: mysqmail-spool prunes old ids
GRANT SELECT ON domain TO mysqmail_meter;
GRANT SELECT (domain, localpart, last_login),
      UPDATE (last_login, last_login_ip, last_login_service) ON mailbox TO mysqmail_meter;

-- reports and panels: read the numbers, never a password.
CREATE ROLE IF NOT EXISTS mysqmail_report;
GRANT SELECT ON traffic TO mysqmail_report;
GRANT SELECT ON `cursor` TO mysqmail_report;
GRANT SELECT ON outcome TO mysqmail_report;
GRANT SELECT ON outbound TO mysqmail_report;
GRANT SELECT ON domain TO mysqmail_report;
GRANT SELECT (domain, localpart, active, last_login, last_login_ip, last_login_service) ON mailbox TO mysqmail_report;

-- mysqmail-policy: read the limits, the hosted domains and what was
-- booked (outbound: outgoing mail per sender and login); change nothing.
CREATE ROLE IF NOT EXISTS mysqmail_policy;
GRANT SELECT ON sendlimit TO mysqmail_policy;
GRANT SELECT ON domain TO mysqmail_policy;
GRANT SELECT (day, domain, localpart, bytes_in, bytes_out) ON traffic TO mysqmail_policy;
GRANT SELECT ON outbound TO mysqmail_policy;

-- mysqmail-alert: run the alert program once per crossing, mark it notified.
CREATE ROLE IF NOT EXISTS mysqmail_alert;
GRANT SELECT ON sendlimit TO mysqmail_alert;
GRANT SELECT, UPDATE (notified, attempts) ON limit_crossing TO mysqmail_alert;
