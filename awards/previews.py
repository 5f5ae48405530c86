"""schema.org data for the awards pages: a city is a Place, a ranking a Dataset, an award edition an Event."""

from django.conf import settings

from articles.previews import SCHEMA, absolute, organisation_data


def place_data(city):
    """A city (or district) as schema.org ``City``, inside its parent city and its country."""
    data = {
        "@context": SCHEMA,
        "@type": "City",
        "name": city.name,
        "url": absolute(city.get_absolute_url()),
        "address": {"@type": "PostalAddress", "addressCountry": city.country},
    }
    if city.description:
        data["description"] = city.description
    if city.parent_id:
        data["containedInPlace"] = {
            "@type": "City",
            "name": city.parent.name,
            "url": absolute(city.parent.get_absolute_url()),
        }
    else:
        data["containedInPlace"] = {"@type": "Country", "name": city.country}
    return data


def dataset_data(ranking, entry_count, has_scores):
    """A ranking's table as a ``Dataset`` with its CSV download as the distribution (Google's dataset properties)."""
    publisher = ranking.publisher or "a publisher our sources do not name"
    description = (
        f"{ranking.title}, {ranking.year}: the positions of {entry_count} of the {ranking.field_size} places "
        f"ranked ({ranking.scope}), as published by {publisher}, with each city's movement since the previous year."
    )
    if ranking.method_note:
        description = f"{description} {ranking.method_note}"
    data = {
        "@context": SCHEMA,
        "@type": "Dataset",
        "name": f"{ranking.title} ({ranking.year})",
        "description": description[:5000],
        "url": absolute(ranking.get_absolute_url()),
        "temporalCoverage": str(ranking.year),
        "spatialCoverage": ranking.scope,
        "isAccessibleForFree": True,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": f"{settings.SITE_NAME} rankings",
            "url": absolute("/rankings/"),
        },
        "variableMeasured": ["position", "score"] if has_scores else ["position"],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": absolute(ranking.get_csv_url())}
        ],
        # We publish the table; its creator is the ranking's own publisher when a source names it.
        "publisher": organisation_data(),
    }
    if ranking.publisher:
        data["creator"] = {"@type": "Organization", "name": ranking.publisher}
    if ranking.method_url:
        data["isBasedOn"] = ranking.method_url
    return data


def event_data(edition):
    """An award edition as an ``Event``: its dates, where it was held (cities, online or both), its organiser."""
    hosts = list(edition.host_cities.all())
    places = [
        {"@type": "Place", "name": host.name, "address": {"@type": "PostalAddress", "addressLocality": host.name,
                                                          "addressCountry": host.country}}
        for host in hosts
    ]  # fmt: skip
    if edition.is_online:
        places.append(
            {"@type": "VirtualLocation", "url": edition.programme.website or absolute(edition.get_absolute_url())}
        )
    if edition.is_online and hosts:
        mode = "MixedEventAttendanceMode"
    elif edition.is_online:
        mode = "OnlineEventAttendanceMode"
    else:
        mode = "OfflineEventAttendanceMode"
    data = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": f"{edition.programme.name} {edition.year}",
        "url": absolute(edition.get_absolute_url()),
        "startDate": edition.starts_on.isoformat() if edition.starts_on else str(edition.year),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": f"https://schema.org/{mode}",
        "description": f"Winners and finalists of {edition.programme.name} {edition.year}.",
        "superEvent": {"@type": "EventSeries", "name": edition.programme.name,
                       "url": absolute(edition.programme.get_absolute_url())},
    }  # fmt: skip
    if edition.ends_on:
        data["endDate"] = edition.ends_on.isoformat()
    if places:
        data["location"] = places if len(places) > 1 else places[0]
    if edition.programme.organiser:
        data["organizer"] = {"@type": "Organization", "name": edition.programme.organiser}
        if edition.programme.website:
            data["organizer"]["url"] = edition.programme.website
    return data


def event_series_data(programme, editions):
    data = {
        "@context": SCHEMA,
        "@type": "EventSeries",
        "name": programme.name,
        "url": absolute(programme.get_absolute_url()),
        "subEvent": [
            {
                "@type": "Event",
                "name": f"{programme.name} {item.edition.year}",
                "url": absolute(item.edition.get_absolute_url()),
            }
            for item in editions
        ],
    }
    if programme.short_name:
        data["alternateName"] = [programme.short_name, *programme.aliases]
    if programme.description:
        data["description"] = programme.description
    if programme.organiser:
        data["organizer"] = {"@type": "Organization", "name": programme.organiser}
    return data
