"""English guest cues: they apply to every show (international shows write English notes)."""

from planner.domain.guest_cues.table import GuestCues, phrases

ENGLISH = GuestCues(
    language="en",
    about=phrases(
        """
        on
        talks
        discusses
        explains
        shares
        answers
        returns
        breaks down
        """
    ),
    before=phrases(
        """
        my guest is
        my guest today is
        my guest this week is
        my guests are
        my guests today are
        our guest is
        our guest today is
        our guest this week is
        our guests are
        our guests today are
        today's guest is
        today's guests are
        this week's guest is
        this week's guests are
        this episode's guest is
        the guest is
        special guest
        special guests
        guest
        guests
        featuring
        joined by
        i'm joined by
        we're joined by
        i am joined by
        we are joined by
        i talk with
        i talk to
        i'm talking to
        i'm talking with
        we're talking to
        we're talking with
        we get analysis from
        we hear from
        i have
        we have
        i talked with
        i talked to
        i speak with
        i speak to
        i spoke with
        i spoke to
        i chat with
        i chatted with
        i sit down with
        i sat down with
        i interview
        i interviewed
        we talk with
        we talk to
        we talked with
        we talked to
        we speak with
        we speak to
        we spoke with
        we spoke to
        we chat with
        we chatted with
        we sit down with
        we sat down with
        we interview
        we interviewed
        we meet
        we welcome
        welcome back
        welcomes
        talks with
        talks to
        talked with
        talked to
        speaks with
        speaks to
        spoke with
        spoke to
        chats with
        chatted with
        sits down with
        sat down with
        interviews
        interviewed
        in conversation with
        a conversation with
        conversation with
        an interview with
        interview with
        is joined by
        are joined by
        the story of
        the incredible story of
        """
    ),
    after=phrases(
        """
        joins us
        joins me
        joins the show
        joins the podcast
        joins
        joined us
        joined me
        joined
        rejoins
        returns
        is back
        is our guest
        is my guest
        our guest
        is here
        is on the show
        is with us
        are here
        are with us
        join us
        join me
        join
        comes on
        stops by
        drops by
        sits down with
        sat down with
        sat down for an interview
        """
    ),
    speaks=phrases(
        """
        talks about
        talks to
        talks with
        talk about
        talk to
        talk with
        talked about
        discusses
        discuss
        discussed
        explains
        explain
        describes
        describe
        reveals
        shares
        share
        breaks down
        break down
        weighs in
        weigh in
        analyzes
        analyze
        analyses
        dissects
        dissect
        unpacks
        unpack
        tells us
        tells
        argues
        makes the case
        walks us through
        walks through
        gives a
        offers
        answers
        reflects on
        recounts
        takes us
        take us
        performs
        perform
        blasts
        calls for
        exposes
        investigates
        lays out
        explores
        debunks
        examines
        looks at
        digs into
        dig into
        details
        outlines
        warns
        recalls
        remembers
        reviews
        responds
        reacts
        find
        finds
        agree
        gets into
        talks
        speaks
        speak
        weighs
        gives
        give
        confronts
        questions
        shreds
        tackles
        challenges
        criticizes
        criticises
        fills in
        """
    ),
    title_markers=phrases(
        """
        with
        w/
        feat.
        feat
        ft.
        ft
        featuring
        starring
        guest:
        guests:
        interview:
        interview with
        interviews with
        interviewing
        q&a:
        q&a with
        ama with
        ama:
        conversation with
        conversations with
        in conversation with
        chat with
        chats with
        chatting with
        talk with
        talks with
        talking with
        talk to
        talks to
        talking to
        sits down with
        sitting down with
        joined by
        """
    ),
    list_heads=phrases(
        """
        guests
        guest
        participants
        panelists
        panel
        on air
        on the show
        in this episode
        """
    ),
    host_words=phrases(
        """
        host
        hosts
        co-host
        cohost
        hosted by
        moderator
        presenter
        """
    ),
    joiners=phrases(
        """
        and
        &
        +
        """
    ),
    interviews=phrases(
        """
        we asked
        we interviewed
        i interviewed
        an interview with
        interview with
        q&a with
        in conversation with
        i sat down with
        we sat down with
        """
    ),
    roundups=phrases(
        """
        experts
        marketers
        founders
        bloggers
        writers
        creators
        leaders
        entrepreneurs
        podcasters
        designers
        developers
        authors
        pros
        people
        ceos
        expert roundup
        expert round-up
        roundup
        round-up
        """
    ),
)
