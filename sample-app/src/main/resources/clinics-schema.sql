-- The sample's clinics: one client per clinic, kept in a database (H2 in memory here).
create table clinic_client (
	id varchar(64) primary key,
	token_uri varchar(512) not null,
	client_id varchar(128) not null,
	client_secret varchar(256) not null,
	base_url varchar(512) not null
);
