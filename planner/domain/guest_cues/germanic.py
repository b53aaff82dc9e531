"""German, Dutch and Swedish guest cues."""

from planner.domain.guest_cues.table import GuestCues, phrases

GERMAN = GuestCues(
    language="de",
    about=phrases(
        """
        über
        spricht über
        """
    ),
    before=phrases(
        """
        zu gast ist
        zu gast sind
        zu gast ist heute
        zu gast sind heute
        heute zu gast ist
        heute zu gast sind
        unser gast ist
        unser gast heute ist
        unsere gäste sind
        mein gast ist
        meine gäste sind
        mit unserem gast
        mit unseren gästen
        mit unseren zwei gästen
        mit unseren drei gästen
        mit meinem gast
        mit unserer gästin
        gast
        gäste
        gästin
        im gespräch mit
        interview mit
        gespräch mit
        wir sprechen mit
        ich spreche mit
        wir reden mit
        ich rede mit
        wir begrüßen
        ich begrüße
        begrüßen wir
        gast in der runde
        einen gast in der runde
        """
    ),
    after=phrases(
        """
        ist zu gast
        sind zu gast
        ist heute zu gast
        sind heute zu gast
        ist unser gast
        ist mein gast
        ist wieder dabei
        sind wieder dabei
        ist dabei
        sind dabei
        erzählt
        spricht über
        berichtet
        """
    ),
    title_markers=phrases(
        """
        mit
        im gespräch mit
        interview mit
        gast:
        gäste:
        """
    ),
    list_heads=phrases(
        """
        gäste
        gast
        teilnehmer
        on air
        mit dabei
        """
    ),
    host_words=phrases(
        """
        moderation
        moderator
        moderatorin
        gastgeber
        gastgeberin
        host
        """
    ),
    joiners=phrases(
        """
        und
        """
    ),
)

DUTCH = GuestCues(
    language="nl",
    about=phrases(
        """
        over
        """
    ),
    before=phrases(
        """
        te gast is
        te gast zijn
        onze gast is
        onze gasten zijn
        mijn gast is
        mijn gasten zijn
        de gast van vandaag is
        gast
        gasten
        in gesprek met
        gesprek met
        interview met
        we praten met
        ik praat met
        we spreken met
        ik spreek met
        we ontvangen
        ik ontvang
        ontvangt
        """
    ),
    after=phrases(
        """
        is te gast
        zijn te gast
        is onze gast
        schuift aan
        schuiven aan
        vertelt
        praat over
        """
    ),
    title_markers=phrases(
        """
        met
        in gesprek met
        interview met
        gast:
        gasten:
        """
    ),
    list_heads=phrases(
        """
        gasten
        gast
        deelnemers
        """
    ),
    host_words=phrases(
        """
        presentator
        presentatrice
        gastheer
        gastvrouw
        host
        """
    ),
    joiners=phrases(
        """
        en
        """
    ),
)

SWEDISH = GuestCues(
    language="sv",
    about=phrases(
        """
        om
        """
    ),
    before=phrases(
        """
        veckans gäst är
        dagens gäst är
        veckans gäst
        dagens gäst
        vår gäst är
        våra gäster är
        min gäst är
        gäst
        gäster
        samtal med
        i samtal med
        intervju med
        vi pratar med
        jag pratar med
        vi träffar
        jag träffar
        besöks av
        gästas av
        """
    ),
    after=phrases(
        """
        gästar
        är gäst
        är veckans gäst
        är dagens gäst
        berättar
        pratar om
        """
    ),
    title_markers=phrases(
        """
        med
        i samtal med
        intervju med
        gäst:
        gäster:
        """
    ),
    list_heads=phrases(
        """
        gäster
        gäst
        medverkande
        """
    ),
    host_words=phrases(
        """
        programledare
        värd
        """
    ),
    joiners=phrases(
        """
        och
        """
    ),
)
