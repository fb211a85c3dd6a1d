#!/bin/sh
# compat-dtc.t: sql/compat-dtc.sql on DTC's tables as DTC creates them
# (MyISAM, int(14) counters): the loggers book real fixtures and DTC's
# email_accounting, pop_access, ftp_access and ftp_accounting show the
# expected sums; replays and rollbacks add nothing; big and odd values.
. "$(dirname "$0")/lib.sh"
. "$top/tests/report-fixtures.sh"
plan 16

fresh_db t_dtc
# DTC's own tables, columns as its dtc_db.php has them (abridged), and a
# November row DTC had before the switch
sql <<'SQL'
CREATE TABLE email_accounting (id int(11) NOT NULL auto_increment, domain_name varchar(128) NOT NULL default '',
  smtp_trafic int(14) unsigned NOT NULL default '0', pop_trafic int(14) unsigned NOT NULL default '0',
  imap_trafic int(14) unsigned NOT NULL default '0', month int(2) NOT NULL default '0', year int(4) NOT NULL default '0',
  PRIMARY KEY (id), UNIQUE KEY domain_name (domain_name,month,year)) ENGINE=MyISAM;
CREATE TABLE pop_access (id varchar(32) NOT NULL default '', uid int(11) NOT NULL default '65534',
  home varchar(255) NOT NULL default '', mbox_host varchar(120) NOT NULL default '', crypt varchar(255) NOT NULL default '',
  passwd varchar(255) NOT NULL default '', active int(11) NOT NULL default '1',
  pop3_transfered_bytes int(14) NOT NULL default '0', pop3_login_count int(9) NOT NULL default '0',
  last_login int(14) NOT NULL default '0', imap_login_count int(9) NOT NULL default '0',
  imap_transfered_bytes int(14) NOT NULL default '0', PRIMARY KEY (id,mbox_host)) ENGINE=MyISAM;
CREATE TABLE ftp_access (login varchar(50) NOT NULL, password varchar(50) NOT NULL default 'passwd',
  homedir varchar(255) NOT NULL default '', hostname varchar(64) NOT NULL default 'anotherlight.com',
  login_count int(11) NOT NULL default '0', dl_bytes int(14) NOT NULL default '0', ul_bytes int(14) NOT NULL default '0',
  dl_count int(14) NOT NULL default '0', ul_count int(14) NOT NULL default '0', UNIQUE KEY login (login)) ENGINE=MyISAM;
CREATE TABLE ftp_accounting (id int(14) NOT NULL auto_increment, sub_domain varchar(50) NOT NULL default '',
  transfer int(14) unsigned NOT NULL default '0', last_run int(14) NOT NULL default '0',
  month int(4) NOT NULL default '0', year int(4) NOT NULL default '0', PRIMARY KEY (id)) ENGINE=MyISAM;
INSERT INTO email_accounting (domain_name, smtp_trafic, month, year) VALUES ('example.com', 1000, 11, 2026);
INSERT INTO pop_access (id, mbox_host) VALUES ('alice', 'example.com'), ('o''hara', 'example.com'), ('bob', 'example.org');
INSERT INTO ftp_access (login, hostname) VALUES ('ftpalice', 'example.net'), ('dave@example.com', 'example.com');
SQL

sql < "$top/sql/compat-dtc.sql" && sql < "$top/sql/compat-dtc.sql"; ok $? 'compat-dtc.sql loads, twice'
is "$(sql -e "SELECT table_name, engine FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('email_accounting', 'pop_access', 'ftp_access', 'ftp_accounting') ORDER BY 1" | tr '\t' ' ')" \
'email_accounting InnoDB
ftp_access InnoDB
ftp_accounting InnoDB
pop_access InnoDB' 'DTC'"'"'s tables are now InnoDB (a rollback undoes them with traffic)'
is "$(sql -e "SELECT DISTINCT column_type FROM information_schema.columns WHERE table_schema = DATABASE() AND column_name IN ('smtp_trafic', 'pop_trafic', 'imap_trafic', 'pop3_transfered_bytes', 'imap_transfered_bytes', 'dl_bytes', 'ul_bytes', 'transfer')")" \
   'bigint(20) unsigned' 'their byte counters are 64-bit'

book
cp "$T_TMP/all" "$T_TMP/booked"

# email_accounting: per domain and month, smtp, pop3 and imap bytes both ways
is "$(sql -e "SELECT domain_name, month, year, smtp_trafic, pop_trafic, imap_trafic FROM email_accounting ORDER BY domain_name" | tr '\t' ' ')" \
   "$(awk '$3 != "-" { s[$3, $2] += $5 + $6; d[$3] = 1 } END { for (x in d) print x, 11, 2026, s[x, "smtp"] + (x == "example.com" ? 1000 : 0), s[x, "pop3"] + 0, s[x, "imap"] + 0 }' "$T_TMP/all" | LC_ALL=C sort)" \
   'email_accounting: the expected sums per domain, added to what DTC had'
dtcmail() { sql -e "SELECT id, mbox_host, pop3_login_count, pop3_transfered_bytes, imap_login_count, imap_transfered_bytes FROM pop_access ORDER BY mbox_host, id" | tr '\t' ' '; }
is "$(dtcmail)" \
   "$(awk '{ k = $4 " " $3; l[k, $2] += $9; b[k, $2] += $5 + $6 } END { n = split("alice example.com|o'"'"'hara example.com|bob example.org", m, "|"); for (i = 1; i <= n; i++) print m[i], l[m[i], "pop3"] + 0, b[m[i], "pop3"] + 0, l[m[i], "imap"] + 0, b[m[i], "imap"] + 0 }' "$T_TMP/all" | sort -k2,2 -k1,1)" \
   'pop_access: pop3 and imap logins and bytes per mailbox'
ok $(( $(sql -e "SELECT COUNT(*) FROM pop_access WHERE last_login > 0") != 3 )) 'pop_access: last_login set for the mailboxes that logged in'
dtcftp() { sql -e "SELECT login, ul_count, ul_bytes, dl_count, dl_bytes FROM ftp_access ORDER BY login" | tr '\t' ' '; }
is "$(dtcftp)" \
   "$(awk '$2 == "ftp" && (($3 == "-" && $4 == "ftpalice") || ($3 == "example.com" && $4 == "dave")) { print ($3 == "-" ? $4 : $4 "@" $3), $7, $5, $8, $6 }' "$T_TMP/all" | LC_ALL=C sort)" \
   'ftp_access: uploads and downloads, files and bytes, per login'
is "$(sql -e "SELECT sub_domain, month, year, transfer, hits FROM ftp_accounting ORDER BY sub_domain" | tr '\t' ' ')" \
   "$(awk '$2 == "ftp" && $3 == "example.com" && $4 == "dave" { print "example.com 11 2026", $5 + $6, $7 + $8 }
           $2 == "ftp" && $3 == "-" && $4 == "ftpalice" { print "example.net 11 2026", $5 + $6, $7 + $8 }' "$T_TMP/all" | LC_ALL=C sort)" \
   'ftp_accounting: per the login'"'"'s DTC hostname and month (logins DTC does not know and without domain: none)'

# exactly once: the same input again (the cursor skips it), and a
# transaction rolled back
snap() { sql -e "SELECT * FROM email_accounting ORDER BY id; SELECT id, mbox_host, pop3_login_count, pop3_transfered_bytes, imap_login_count, imap_transfered_bytes FROM pop_access ORDER BY id; SELECT login, ul_bytes, dl_bytes, ul_count, dl_count FROM ftp_access ORDER BY login; SELECT sub_domain, transfer, hits FROM ftp_accounting ORDER BY id"; }
snap > "$T_TMP/before"
book
snap > "$T_TMP/after"
cmp -s "$T_TMP/before" "$T_TMP/after"; ok $? 'the same logs again: DTC'"'"'s numbers unchanged'
sql -e "START TRANSACTION; INSERT INTO traffic (day, service, domain, localpart, bytes_out, logins) VALUES ('2026-11-25', 'pop3', 'example.com', 'alice', 100, 1) ON DUPLICATE KEY UPDATE bytes_out = bytes_out + 100, logins = logins + 1; ROLLBACK"
snap > "$T_TMP/after"
cmp -s "$T_TMP/before" "$T_TMP/after"; ok $? 'a rolled back batch: DTC'"'"'s numbers unchanged'

# a correction by hand follows; a row moved to another month leaves and arrives
sql -e "UPDATE traffic SET bytes_out = bytes_out - 100 WHERE day = '2026-11-25' AND service = 'pop3' AND domain = 'example.com' AND localpart = 'alice'"
is "$(sql -e "SELECT pop_trafic FROM email_accounting WHERE domain_name = 'example.com' AND month = 11")" \
   "$(awk '$3 == "example.com" && $2 == "pop3" { t += $5 + $6 } END { print t - 100 }' "$T_TMP/booked")" 'traffic lowered by hand: email_accounting follows'
sql -e "UPDATE traffic SET day = '2026-10-25' WHERE day = '2026-11-25' AND service = 'imap' AND domain = 'example.org' AND localpart = 'bob'"
is "$(sql -e "SELECT month, imap_trafic FROM email_accounting WHERE domain_name = 'example.org' ORDER BY month" | tr '\t' ' ')" \
   "$(awk '$3 == "example.org" && $2 == "imap" { t += $5 + $6 } END { print "10 " t; print "11 0" }' "$T_TMP/booked")" 'a row moved to October: out of November, into October'

# past 4 GB, and a domain longer than DTC's column
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in, count_in) VALUES ('2026-09-01', 'smtp', 'example.com', 'alice', 5368709120, 1)"
is "$(sql -e "SELECT smtp_trafic FROM email_accounting WHERE domain_name = 'example.com' AND month = 9")" 5368709120 '5 GiB in one month: booked whole'
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in, count_in) VALUES ('2026-09-01', 'smtp', CONCAT(REPEAT('a', 200), '.test'), 'x', 7, 1)"
ok $? 'a 205-character domain: the traffic insert still succeeds'
is "$(sql -e "SELECT COUNT(*) FROM traffic WHERE domain LIKE 'aaaa%'") $(sql -e "SELECT COUNT(*) FROM email_accounting WHERE domain_name LIKE 'aaaa%'")" '1 0' '... booked in traffic, left out of email_accounting'

# mailboxes DTC does not have (carol, x%y\z) are in traffic only
is "$(sql -e "SELECT COUNT(*) FROM pop_access") $(sql -e "SELECT COUNT(DISTINCT domain, localpart) FROM traffic WHERE service IN ('pop3', 'imap')")" \
   "3 $(awk '$2 == "pop3" || $2 == "imap" { print $3, $4 }' "$T_TMP/booked" | sort -u | wc -l)" 'mailboxes DTC does not know: booked in traffic, no pop_access row made'

done_testing
