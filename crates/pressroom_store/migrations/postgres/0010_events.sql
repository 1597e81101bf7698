-- Events: an item of the events section keeps its facts (start, end, status, place) as JSON in
-- its row, read with the article like its change notes; `event_dates` indexes them for the
-- calendar, the upcoming list and iCalendar feeds. `sequence` counts the changes of time or
-- status that subscribed calendars must follow (iCalendar's SEQUENCE).
ALTER TABLE articles ADD COLUMN event TEXT;
-- The translation key of the event a news item reports on.
ALTER TABLE articles ADD COLUMN report_of TEXT;
CREATE INDEX articles_by_report ON articles (report_of, lang, status, published_at);

CREATE TABLE event_dates (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    -- The end's instant: the end time, or the start of the day after the last day.
    ends_at BIGINT NOT NULL,
    sequence BIGINT NOT NULL
);
CREATE INDEX event_dates_by_start ON event_dates (lang, starts_at);
