-- Why: stage-gated data (issue 4, promise P3: "extra details only once we decide to make
-- an offer"). Hiring details of an application (address, date and place of birth,
-- nationality, social-security number, IBAN, emergency contact) get their own table, one
-- row per application, that the engine writes only at the offer stage or later and
-- erases when the application moves back; custom fields declared by HR carry the stage
-- from which they may be collected, and their values go with the application.

CREATE TABLE hiring_details (
    application_id  INTEGER PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    address         TEXT,
    birth_date      TEXT,
    birth_place     TEXT,
    nationality     TEXT,
    nir             TEXT,
    iban            TEXT,
    emergency_name  TEXT,
    emergency_phone TEXT,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE TABLE custom_fields (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind         TEXT NOT NULL CHECK (kind IN ('text', 'date', 'number', 'yes_no')),
    collect_from TEXT NOT NULL CHECK (collect_from IN ('new', 'screening', 'interview', 'offer', 'hired')),
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE custom_values (
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    field_id       INTEGER NOT NULL REFERENCES custom_fields (id) ON DELETE CASCADE,
    value          TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (application_id, field_id)
) STRICT;
CREATE INDEX custom_values_field ON custom_values (field_id);
