"""Spanish, Portuguese and French guest cues."""

from planner.domain.guest_cues.table import GuestCues, phrases

SPANISH = GuestCues(
    language="es",
    about=phrases(
        """
        sobre
        habla de
        habla sobre
        """
    ),
    before=phrases(
        """
        mi invitado es
        mi invitada es
        mi invitado hoy es
        mi invitada hoy es
        mis invitados son
        mis invitados hoy son
        nuestro invitado es
        nuestra invitada es
        nuestro invitado hoy es
        nuestra invitada hoy es
        nuestros invitados son
        el invitado de hoy es
        la invitada de hoy es
        invitado
        invitada
        invitados
        invitadas
        entrevista con
        entrevistamos a
        conversamos con
        charlamos con
        platicamos con
        hablamos con
        hablo con
        converso con
        nos acompaña
        nos acompañan
        recibimos a
        """
    ),
    after=phrases(
        """
        nos acompaña
        nos visita
        es nuestro invitado
        es nuestra invitada
        es mi invitado
        es mi invitada
        habla de
        habla sobre
        nos cuenta
        conversa con
        """
    ),
    title_markers=phrases(
        """
        con
        entrevista con
        entrevista a
        invitado:
        invitada:
        invitados:
        """
    ),
    list_heads=phrases(
        """
        invitados
        invitado
        invitada
        participantes
        """
    ),
    host_words=phrases(
        """
        conductor
        conductora
        presentador
        presentadora
        anfitrión
        anfitriona
        """
    ),
    joiners=phrases(
        """
        y
        e
        """
    ),
)

PORTUGUESE = GuestCues(
    language="pt",
    about=phrases(
        """
        sobre
        fala sobre
        """
    ),
    before=phrases(
        """
        meu convidado é
        minha convidada é
        meus convidados são
        nosso convidado é
        nossa convidada é
        nossos convidados são
        o convidado de hoje é
        a convidada de hoje é
        convidado
        convidada
        convidados
        convidadas
        entrevista com
        entrevistamos
        conversamos com
        batemos um papo com
        bate-papo com
        papo com
        recebemos
        recebe
        """
    ),
    after=phrases(
        """
        é o convidado
        é a convidada
        é nosso convidado
        é nossa convidada
        fala sobre
        conta
        conversa com
        """
    ),
    title_markers=phrases(
        """
        com
        entrevista com
        convidado:
        convidada:
        convidados:
        """
    ),
    list_heads=phrases(
        """
        convidados
        convidado
        convidada
        participantes
        quem acompanha a gente
        quem participa
        """
    ),
    host_words=phrases(
        """
        host
        co-host
        apresentador
        apresentadora
        âncora
        """
    ),
    joiners=phrases(
        """
        e
        """
    ),
)

FRENCH = GuestCues(
    language="fr",
    about=phrases(
        """
        sur
        parle de
        """
    ),
    before=phrases(
        """
        mon invité est
        mon invitée est
        mes invités sont
        notre invité est
        notre invitée est
        nos invités sont
        l'invité du jour est
        l'invitée du jour est
        invité
        invitée
        invités
        invitées
        entretien avec
        en conversation avec
        conversation avec
        interview de
        nous recevons
        nous accueillons
        je reçois
        j'accueille
        reçoit
        accueille
        on discute avec
        nous discutons avec
        """
    ),
    after=phrases(
        """
        est notre invité
        est notre invitée
        est mon invité
        est mon invitée
        nous rejoint
        nous parle de
        raconte
        explique
        """
    ),
    title_markers=phrases(
        """
        avec
        entretien avec
        invité:
        invitée:
        invités:
        """
    ),
    list_heads=phrases(
        """
        invités
        invité
        invitée
        participants
        """
    ),
    host_words=phrases(
        """
        animateur
        animatrice
        présentateur
        présentatrice
        animé par
        """
    ),
    joiners=phrases(
        """
        et
        """
    ),
)
