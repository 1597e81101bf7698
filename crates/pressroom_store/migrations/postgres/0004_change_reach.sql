-- What a change may alter on the public site, so that the page cache drops only those pages.
-- `public` is 0 for a change no reader can see (a draft saved, an item sent for review); for a
-- change to one article, `lang` and `translation_key` name its language and its item; a public
-- change with neither (sections, settings, media) may alter any page.
ALTER TABLE changes ADD COLUMN public BIGINT NOT NULL DEFAULT 1;
ALTER TABLE changes ADD COLUMN lang TEXT;
ALTER TABLE changes ADD COLUMN translation_key TEXT;
