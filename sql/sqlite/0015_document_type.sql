-- 0015_document_type.sql — the identity document a person was registered
-- with (src/core/document.h). Everyone on record so far showed the resident
-- ID card, the default. Hong Kong, Macao and Taiwan residents and
-- foreigners follow national rules (办法 第二条第二款); a clerk may still
-- record them, with the reason, and their documents are then one of the
-- others. Their number stays in id_number, unique across all types.
ALTER TABLE persons ADD COLUMN document_type TEXT NOT NULL
	DEFAULT 'resident_id_card'
	CHECK (document_type IN ('resident_id_card', 'hmt_residence_permit',
				 'hk_mo_travel_permit', 'tw_travel_permit',
				 'foreign_permanent_residence', 'passport'));
