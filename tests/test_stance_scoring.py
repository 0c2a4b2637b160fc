"""Stance rules and poles on constructed sentences (none taken from a gold file; tests/test_stance_lexicon_hygiene.py checks the word lists)."""
from __future__ import annotations

import copy

import pytest

from pipeline.stance import Scorer
from workspace import lexicon


@pytest.fixture(scope="module")
def scorer(composed_params) -> Scorer:
    return Scorer.from_params(composed_params)


def scorer_with(params: dict, edit) -> Scorer:
    """The scorer after ``edit(params, lexicon)``: parameters in ``params``, theme files and rule words in ``lexicon``."""
    p = copy.deepcopy(params)
    lex = lexicon(p)
    edit(p, lex)
    return Scorer.from_params(p, lexicon=lex)


# Each pole of each default theme, phrased as both sides of the conflict would.
POLES = [
    ("sanctions", 1, "These sanctions are fully justified and deserved."),
    ("sanctions", 1, "The EU will tighten the embargo to hold the Kremlin accountable."),
    ("sanctions", 1, "Western allies agreed to maintain pressure on Moscow through new export controls."),
    ("sanctions", -1, "The illegal and unilateral sanctions imposed by Washington have failed."),
    ("sanctions", -1, "Our factories adapted quickly and have overcome the restrictive measures."),
    ("sanctions", 0, "The sanctions list was published on Tuesday."),
    ("security", -1, "The alliance keeps deploying battalions near our borders, a direct threat to the region."),
    ("security", -1, "Terrorist cells are trying to destabilise the republic."),
    ("security", 1, "Our armed forces are ready and reliably protect the country."),
    ("security", 1, "We have no plans to attack any neighbour; our military posture is defensive."),
    ("security", 0, "The defence minister attended the ceremony."),
    ("ukraine", 1, "We stand with Ukraine and will continue our humanitarian aid."),
    ("ukraine", 1, "The courage of Ukrainians defending the territorial integrity of their country is admirable."),
    ("ukraine", 1, "We call for a peaceful settlement of the conflict through dialogue with Kyiv."),
    ("ukraine", -1, "The Kyiv regime is a puppet of its foreign sponsors."),
    ("ukraine", -1, "The illegitimate authorities in Kiev keep staging provocations."),
    ("ukraine", 0, "The delegation travelled to Ukraine on Monday."),
]


@pytest.mark.parametrize("theme,label,text", POLES)
def test_each_pole_of_each_default_theme(scorer, theme, label, text):
    r = scorer.sentence(text, theme)
    assert r.relevant, (text, r)
    assert r.label == label, (text, r.stance, r.cues)
    assert -1 <= r.stance <= 1


def test_sentiment_is_not_stance(scorer):
    # Upbeat, yet against sanctions; grim, yet in favour.
    assert scorer.sentence("We are proud that our economy withstood the sanctions so well.", "sanctions").label == -1
    assert scorer.sentence("Sanctions are crippling the aggressor's war economy.", "sanctions").label == 1


@pytest.mark.parametrize("theme,plain,negated", [
    ("sanctions", "We consider these sanctions justified.", "We do not consider these sanctions justified."),
    ("security", "The troops massing there threaten us.", "The troops there do not threaten us."),
    ("ukraine", "They blamed Ukraine for the escalation.", "They never blamed Ukraine for anything."),
])
def test_negation_flips_the_cue(scorer, theme, plain, negated):
    a, b = scorer.sentence(plain, theme), scorer.sentence(negated, theme)
    assert a.label != 0 and b.label == -a.label, (a.cues, b.cues)
    assert any("negated" in note for c in b.cues for note in c["rules"])


def test_negation_binds_to_the_first_cue_and_stops_at_a_relative_clause(scorer):
    # "not" negates "a proposal", so the peace talks are what is dismissed.
    assert scorer.sentence("This is not an offer of peace talks for Ukraine.", "ukraine").label == -1
    # "not us who ..." negates "us"; the war named after it is not negated.
    r = scorer.sentence("It was not we who unleashed the war in Ukraine.", "ukraine")
    assert not any("negated" in n for c in r.cues for n in c["rules"])


def test_negation_can_cancel_instead(composed_params):
    s = scorer_with(composed_params, lambda p, lex: p["stance"].update(rules={"negation": {"factor": 0.0}}))
    assert s.sentence("We do not consider these sanctions justified.", "sanctions").label == 0


def test_intensifiers_and_diminishers_scale(scorer):
    base = scorer.sentence("The sanctions are justified.", "sanctions").stance
    up = scorer.sentence("The sanctions are absolutely justified.", "sanctions").stance
    down = scorer.sentence("The sanctions are somewhat justified.", "sanctions").stance
    assert down < base < up


def test_contrast_weights_the_clause_after_it(scorer):
    a = scorer.sentence("The sanctions are effective, but they are illegal.", "sanctions")
    b = scorer.sentence("The sanctions are illegal, but they are effective.", "sanctions")
    assert a.label == -1 and b.label == 1
    notes = [n for c in a.cues for n in c["rules"]]
    assert any(n.startswith("after") for n in notes) and any(n.startswith("before") for n in notes)


def test_distancing_marks_turn_endorsement_into_dismissal(scorer):
    assert scorer.sentence("They presented a peace plan for Ukraine.", "ukraine").label == 1
    assert scorer.sentence("They presented a so-called peace plan for Ukraine.", "ukraine").label == -1


def test_a_topic_named_is_not_a_topic_evaluated(scorer):
    assert scorer.sentence("We call for a peaceful settlement in Ukraine.", "ukraine").label == 1
    assert scorer.sentence("The ministers discussed a peaceful settlement in Ukraine.", "ukraine").label == 0


def test_targets_match_on_lemmas_and_exclusions_hold(scorer):
    assert scorer.sentence("Embargoes and restrictive measures were debated.", "sanctions").relevant
    # Pressure on a person or a manager is not about sanctions; on a country it is.
    assert not scorer.sentence("The coach put pressure on the players.", "sanctions").relevant
    assert scorer.sentence("The West keeps up economic pressure on Russia.", "sanctions").relevant
    # Borders as a place of pandemic queues, and war as history, are not security.
    assert not scorer.sentence("Trucks waited in long queues at the border.", "security").relevant
    assert not scorer.sentence("Veterans of the Great Patriotic War were honoured.", "security").relevant
    assert scorer.sentence("Foreign troops gathered at the border.", "security").relevant


def test_window_options_change_what_counts(composed_params):
    from pipeline.stance.scoring import prepare

    window = [prepare("The sanctions were extended."), prepare("This is absolutely justified.")]
    s0 = Scorer.from_params(composed_params)
    assert s0.window(window[:1], 0, "sanctions").label == 0
    assert s0.window(window, 0, "sanctions").label == 1  # the caller decides the window
    s1 = scorer_with(composed_params, lambda p, lex: p["stance"]["window"].update(tokens=2))
    assert s1.window(window, 0, "sanctions").label == 0  # cues beyond 2 words of the mention are ignored


def test_general_polarity_counts_near_the_target_only_and_is_configurable(composed_params):
    near = "Ukraine hosted a wonderful, joyful festival."
    far = "Ukraine sent a delegation to the meeting, and later that evening the town square was wonderful and joyful."
    s = Scorer.from_params(composed_params)
    assert s.sentence(near, "ukraine").stance > 0
    # rules.target.lexicon_far = 0: general sentiment away from the mention is not about it.
    assert s.sentence(far, "ukraine").stance == 0
    off = scorer_with(composed_params, lambda p, lex: lex["themes"]["ukraine"]["polarity"].update(weight=0.0))
    assert off.sentence(near, "ukraine").stance == 0
    override = scorer_with(composed_params,
                           lambda p, lex: lex["themes"]["ukraine"]["polarity"].setdefault("overrides", {}).update(wonderful=-1.0))
    assert override.sentence(near, "ukraine").stance < s.sentence(near, "ukraine").stance


# ---------------------------------------------- rules added for generalisation
def test_negation_passes_through_volition_words(scorer):
    # "not willing" denies the compromise, not just the willingness.
    r = scorer.sentence("Kyiv is not willing to compromise on anything.", "ukraine")
    assert r.label == -1, r.cues
    assert scorer.sentence("It is not true that the embargo has failed.", "sanctions").label == 1


def test_negation_carries_over_a_run_of_same_pole_cues(scorer):
    r = scorer.sentence("Our republic will never attack or invade a neighbour.", "security")
    assert r.label == 1, r.cues
    assert sum("negated" in n for c in r.cues for n in c["rules"]) >= 2


def test_negation_exceptions_deny_nothing(scorer):
    r = scorer.sentence("These restrictive measures are nothing but economic warfare.", "sanctions")
    assert r.label == -1, r.cues
    assert not any("negated" in n for c in r.cues for n in c["rules"])


def test_distanced_target_is_disputed(scorer):
    r = scorer.sentence("The so-called sanctions were announced in Brussels.", "sanctions")
    assert r.label == -1, r.cues
    assert any(c["source"] == "distanced target" for c in r.cues)
    # Scare quotes reach the phrase after them, not the verb further on.
    r = scorer.sentence("Their so-called spring offensive in Ukraine has stalled and failed.", "ukraine")
    assert not any("distanced" in n for c in r.cues if c["key"] == "fail" for n in c["rules"])


def test_off_topic_domain_is_not_relevant(scorer):
    assert not scorer.sentence("The league handed the club sanctions for a pitch invasion.", "sanctions").relevant
    assert not scorer.sentence("Their defence held firm until the striker scored.", "security").relevant
    assert not scorer.sentence("A chess grandmaster from Kharkiv won the open tournament.", "ukraine").relevant


def test_favour_cues_both_sides_would_use(scorer):
    assert scorer.sentence("The embargo is working and must stay in place.", "sanctions").label == 1
    assert scorer.sentence("Moscow will not bow to this sanctions pressure.", "sanctions").label == -1
    assert scorer.sentence("Partners should fully implement the sanctions against the aggressor.", "sanctions").label == 1
    assert scorer.sentence("Border guards thwarted an attempted incursion by armed militants.", "security").label == 1


# ------------------------------------- target-directed evaluation and frames
# Constructed sentences of each kind the frames exist for; none is from a gold file.
FRAMES = [
    # advocacy: called-for imposition, and a call to lift
    ("sanctions", 1, "Partners must adopt a further package of restrictive measures without delay."),
    ("sanctions", 1, "Our group calls for comprehensive mandatory sanctions against the racist regime."),
    ("sanctions", -1, "The council should lift the embargo on the island at once."),
    ("sanctions", -1, "Many delegations oppose these sanctions."),
    # a report of imposition evaluates nothing; a refusal to join is against
    ("sanctions", 0, "The sanctions imposed in 2014 covered the banking sector."),
    ("sanctions", -1, "Most countries have refused to impose the sanctions."),
    # victimhood and wrongdoers
    ("sanctions", -1, "Once again we have been slapped with sanctions simply for defending our interests."),
    ("sanctions", -1, "The embargo falls hardest on pensioners and small children."),
    # the target's adversary: evaluation of it counts the other way
    ("ukraine", 1, "The invaders shelled Kharkiv again."),
    ("ukraine", -1, "Kyiv's shelling of Donetsk continues."),
    ("ukraine", 1, "Russia's barbaric invasion of Ukraine must end."),
    ("ukraine", 1, "Ukrainian villages were destroyed by the occupiers."),
    ("ukraine", -1, "The neo-Nazi government in Kyiv cannot be trusted."),
    ("ukraine", 1, "The terrorist state Russia keeps bombing Ukrainian cities."),
    # a multi-word cue never swallows its target
    ("sanctions", 1, "Sanctions work."),
    # effect on whom: the same verb favours or opposes by what it hits
    ("sanctions", -1, "These absurd sanctions hurt only the ordinary people of Europe."),
    ("sanctions", 1, "Sanctions have crippled the junta's finances."),
    # an undoing that has not happened reports a state; one called for is against
    ("sanctions", 0, "The embargo was not lifted last spring."),
    ("sanctions", -1, "We demand the lifting of the trade, travel and banking blockade."),
    # an act whose object is something else is not an act on the target
    ("sanctions", 0, "The council demanded the end of arms deliveries while the embargo remains."),
    # a word that modifies the target keeps its sign under the clause's negation
    ("sanctions", -1, "Nobody needs these senseless embargoes."),
    ("sanctions", 1, "We need tougher sanctions."),
    # a regretted state is opposed: the blockade that persists, the sanctions kept
    ("sanctions", -1, "We regret that the embargo was never lifted."),
    ("sanctions", -1, "We regret that the sanctions remain in place."),
    # a topic that is called for is not merely named
    ("sanctions", -1, "Ministers must discuss how to mitigate the sanctions."),
    # a negator reaches past a quantified subject
    ("security", 1, "None of the ministers or their many deputies wants a war with anyone."),
    # sympathy: the target's people as victims
    ("ukraine", 1, "Thousands of Ukrainian refugees are still waiting to return home."),
    # a place or an object is no agent; the standard of a comparison is not evaluated
    ("ukraine", 1, "The occupiers slaughtered Ukrainians and bombed their schools."),
    ("ukraine", 1, "Kyiv is far freer than Moscow."),
    ("ukraine", -1, "Moscow is far freer than Kyiv."),
    ("ukraine", 1, "Aid keeps flowing to Kyiv while an invading Russia presses on."),
    ("ukraine", 1, "For years the Kremlin tried to undermine Kyiv and then started shelling it."),
    # fortunes of war are judged by whose they are
    ("ukraine", 1, "Kyiv's forces keep advancing near the river."),
    ("ukraine", 1, "The occupiers are retreating from Kherson."),
    ("ukraine", -1, "Kyiv's long-promised counteroffensive has failed."),
    ("ukraine", -1, "Russian troops liberated the Donbass town last week."),
    ("ukraine", 1, "Near Kharkiv the invaders were repelled twice overnight."),
    # a passive makes its subject the patient
    ("ukraine", 1, "Kharkiv was shelled again for the third night in a row."),
]


@pytest.mark.parametrize("theme,label,text", FRAMES)
def test_frames_that_hold_whoever_speaks(scorer, theme, label, text):
    r = scorer.sentence(text, theme)
    assert r.relevant, text
    assert r.label == label, (text, r.cues)


def test_a_cue_said_of_the_counter_target_is_flipped_and_traced(scorer):
    r = scorer.sentence("The barbaric Russian army is retreating from Kherson.", "ukraine")
    assert r.label == 1
    assert any("counter-target" in n for c in r.cues for n in c["rules"]), r.cues


@pytest.mark.parametrize("text", ["Great piece on how Russia sees Ukraine.",
                                  "A fine summary of what Moscow wants from Kyiv."])
def test_a_general_word_merely_near_the_counter_target_is_not_flipped(scorer, text):
    # Near the adversary's name, not said of it: the speaker's mood, not hostility to the target.
    r = scorer.sentence(text, "ukraine")
    assert r.relevant and r.label == 0, r.cues
    assert not any("counter-target" in n for c in r.cues for n in c["rules"]), r.cues


@pytest.mark.parametrize("text", ["Russia is cruel and keeps its troops in Ukraine.",
                                  "The cruel invaders keep their troops in Ukraine."])
def test_a_general_word_said_of_the_counter_target_is_flipped(scorer, text):
    # Its predicate or its modifier: the adversary is what is judged.
    r = scorer.sentence(text, "ukraine")
    assert r.label == 1, r.cues
    assert any("counter-target" in n for c in r.cues for n in c["rules"]), r.cues


@pytest.mark.parametrize("text,label", [
    ("This senseless war in Ukraine has to end.", 0),
    ("What a terrible conflict.", 0),
    # the target's side itself is still judged, next to the war
    ("A senseless war waged by a corrupt Kyiv.", -1),
])
def test_general_words_said_of_the_war_do_not_judge_the_target(scorer, text, label):
    r = scorer.sentence(text, "ukraine")
    assert r.relevant
    assert r.label == label, r.cues


def test_event_targets_are_configuration(composed_params):
    text = "What a terrible conflict."
    off = scorer_with(composed_params, lambda p, lex: lex["themes"]["ukraine"].update(events=[]))
    assert off.sentence(text, "ukraine").label == -1


def test_harm_is_judged_by_agent_and_patient(scorer):
    agent = scorer.sentence("Ukraine attacked the border villages.", "ukraine")
    patient = scorer.sentence("Missiles attacked Ukraine overnight.", "ukraine")
    assert agent.label == -1 and patient.label == 1
    assert any(n.startswith("agent") for c in agent.cues for n in c["rules"])
    assert any(n.startswith("patient") for c in patient.cues for n in c["rules"])


def test_a_place_or_object_before_a_harm_word_is_not_its_agent(scorer, composed_params):
    # "Kharkiv" is where the shelling happens; the subject further back did it.
    r = scorer.sentence("The invaders keep firing rockets at civilians in Kharkiv, shelling apartment blocks.",
                        "ukraine")
    assert r.label == 1, r.cues
    shelling = next(c for c in r.cues if c["key"] == "shell")
    assert "agent 'invaders'" in shelling["rules"], shelling
    # Without the preposition rule the nearest mention before the word is taken as its agent.
    off = scorer_with(composed_params, lambda p, lex: lex["stance"]["rules"]["target"].update(prepositions=[]))
    r = off.sentence("The invaders keep firing rockets at civilians in Kharkiv, shelling apartment blocks.",
                     "ukraine")
    assert any(n == "agent 'Kharkiv'" for c in r.cues for n in c["rules"]), r.cues


def test_each_new_frame_rule_is_what_labels_its_example(composed_params, scorer):
    # Switched off through configuration, each example loses its label.
    text = "Sanctions hurt ordinary people."
    no_effects = scorer_with(composed_params, lambda p, lex: lex["themes"]["sanctions"]["frames"].update(effects=[]))
    assert scorer.sentence(text, "sanctions").label == -1
    assert no_effects.sentence(text, "sanctions").label == 0
    # A regretted undoing: the only cue is the regretted, negated "lifted".
    r = scorer.sentence("We regret that the embargo was never lifted.", "sanctions")
    assert r.label == -1 and any(n.startswith("regretted by") for c in r.cues for n in c["rules"]), r.cues
    no_regret = scorer_with(composed_params, lambda p, lex: lex["stance"]["rules"]["advocacy"].update(
        opposition=[w for w in lex["stance"]["rules"]["advocacy"]["opposition"] if w != "regret"]))
    # Without the rule the undoing that did not happen is a mere report again.
    assert not any(c["key"] == "lift" for c in no_regret.sentence("We regret that the embargo was never lifted.",
                                                                  "sanctions").cues)
    # Fortunes of war need the frame; a loss "on" someone is theirs.
    text = "Ukraine inflicted heavy losses on the invaders."
    assert scorer.sentence(text, "ukraine").label == 1
    no_fortunes = scorer_with(composed_params, lambda p, lex: lex["themes"]["ukraine"]["frames"].update(
        success={"terms": [], "value": 0.0}, failure={"terms": [], "value": 0.0}))
    assert no_fortunes.sentence(text, "ukraine").label != 1


@pytest.mark.parametrize("text", [
    "We hope for tougher sanctions.",
    "We look forward to stronger sanctions.",
    "It is incumbent upon the council to impose sanctions.",
    "We need tougher sanctions.",
])
def test_advocacy_words_call_for_what_follows(scorer, composed_params, text):
    r = scorer.sentence(text, "sanctions")
    assert r.label == 1, r.cues
    assert any(n.startswith("called for by") or n.startswith("object") for c in r.cues for n in c["rules"]), r.cues


def test_second_senses_of_rule_words_are_not_rules(scorer):
    # "incumbent" as an adjective calls for nothing; a "brief" pause names no topic.
    r = scorer.sentence("The incumbent administration imposed sanctions on Moscow.", "sanctions")
    assert r.label == 0, r.cues
    r = scorer.sentence("After a brief pause, the invaders resumed shelling Kharkiv.", "ukraine")
    assert r.label == 1 and not any(n.startswith("topic of") for c in r.cues for n in c["rules"]), r.cues


def test_regret_and_negation_stay_in_their_clause(scorer):
    # Harm and sentiment in a deplored clause are the speaker's view, not flipped.
    assert scorer.sentence("We deplore that Russian troops shelled Kharkiv again.", "ukraine").label == 1
    # A negation does not cross into a "that" clause, but does through a truth word.
    assert scorer.sentence("Moscow did not expect that the Ukrainian army would be so brave.", "ukraine").label == 1
    assert scorer.sentence("It is not true that the sanctions failed.", "sanctions").label == 1
    # "until" ends the reach of the speaker's commitment.
    r = scorer.sentence("We will not lift sanctions until the aggression ends.", "sanctions")
    assert r.label == 1, r.cues


def test_adjectives_before_a_mention_do_not_make_it_an_object(scorer):
    assert scorer.sentence("Corrupt Kyiv shelled the city again.", "ukraine").label == -1
    r = scorer.sentence("The criminal Ukrainian army shelled the border villages.", "ukraine")
    assert r.label == -1, r.cues


def test_attributive_weight_is_configuration(composed_params):
    text = "They all denounce these absurd embargoes."
    plain = scorer_with(composed_params, lambda p, lex: p["stance"].update(rules={"target": {"attributive": 1.0}}))
    double = scorer_with(composed_params, lambda p, lex: p["stance"].update(rules={"target": {"attributive": 2.0}}))
    a, b = (next(c for c in s.sentence(text, "sanctions").cues if c["key"] == "absurd") for s in (plain, double))
    assert b["value"] == pytest.approx(2 * a["value"]) and a["value"] < 0
    assert any(n.startswith("modifies the target") for n in b["rules"])


def test_a_place_only_as_scene_or_list_item_is_not_the_theme(scorer, composed_params):
    # The war as the scene of a remark about something else, set off by a comma.
    assert not scorer.sentence("Amid the fighting in Ukraine, grain prices rose across Africa.", "ukraine").relevant
    assert not scorer.sentence("Fuel prices climbed again, given the war in Ukraine.", "ukraine").relevant
    # Mid-clause, or with a mention outside the phrase, it is what the sentence is about.
    assert scorer.sentence("The envoys met during the peace talks last week.", "ukraine").relevant
    assert scorer.sentence("During the war in Ukraine, Kyiv asked for more air defence.", "ukraine").relevant
    # A place among many other places is an enumeration; the parties listed together are not.
    listed = "Delegations came from Chile, Ghana, Peru, Nepal, Ukraine and Fiji."
    assert not scorer.sentence(listed, "ukraine").relevant
    assert scorer.sentence("Talks between Moscow, Kyiv, Ankara and Kharkiv stalled.", "ukraine").relevant
    off = scorer_with(composed_params, lambda p, lex: lex["themes"]["ukraine"].update(enumeration=0, background=[]))
    assert off.sentence(listed, "ukraine").relevant
    assert off.sentence("Amid the fighting in Ukraine, grain prices rose across Africa.", "ukraine").relevant


def test_word_sense_of_the_target(scorer):
    assert not scorer.sentence("The assembly sanctioned the use of the reserve fund.", "sanctions").relevant
    assert scorer.sentence("Three banks were sanctioned last week.", "sanctions").relevant


def test_listing_with_the_target_is_not_evaluating_it(scorer):
    r = scorer.sentence("The communique lists growth, peace, security and stability.", "security")
    assert r.relevant and r.label == 0, r.cues
    # a conjunct that is itself a target still counts ("extremist and terrorist groups")
    assert scorer.sentence("They rely on extremist and terrorist groups.", "security").label == -1


def test_closing_hashtags_are_no_ones_agent(scorer):
    r = scorer.sentence("Footage shows a drone attack on a fleet #Kyiv #Ukraine", "ukraine")
    assert r.relevant
    assert r.label == 0, r.cues


@pytest.mark.parametrize("text", ["Footage shows a drone attack on a fleet #KyivNews #Ukraine",
                                  "Footage shows a drone attack on a fleet #Kyiv #UkraineWarUpdates",
                                  "Footage shows a drone attack on a fleet #KyivUpdates"])
def test_a_camel_case_hashtag_is_one_tag(scorer, text):
    # The tokenizer splits "#KyivNews" into "#", "Kyiv", "News": the tag is still one, and closes the text.
    r = scorer.sentence(text, "ukraine")
    assert r.relevant
    assert r.label == 0, r.cues


def test_frames_are_configuration(composed_params):
    text = "Our group calls for comprehensive mandatory sanctions against the racist regime."
    off = scorer_with(composed_params, lambda p, lex: lex["themes"]["sanctions"].update(
        frames={"advocated": 0.0, "calls": {}, "victims": {"terms": [], "value": 0.0},
                "wrongdoers": {"terms": [], "value": 0.0}, "harm": {"terms": [], "value": 0.0}}))
    assert off.sentence(text, "sanctions").label != 1
    text = "The terrorist state Russia keeps bombing Ukrainian cities."
    no_counter = scorer_with(composed_params, lambda p, lex: lex["themes"]["ukraine"].update(counter_targets=[]))
    assert not any("counter-target" in n for c in no_counter.sentence(text, "ukraine").cues for n in c["rules"])


# The cheap test of score_window (no target lemma in the sentence: not relevant) must never
# change a judgement: inflected, possessive, capitalised, hyphenated and multi-word targets,
# a target inside a multi-word cue, and sentences with no target at all.
PREFILTER = [
    ("sanctions", "The Sanctions imposed on us have failed."),
    ("sanctions", "Sanctions work."),
    ("sanctions", "The assembly sanctioned the use of the reserve fund."),
    ("sanctions", "Partners must adopt a further package of restrictive measures without delay."),
    ("sanctions", "The weather was fine and the harvest was good."),
    ("ukraine", "Ukraine's resilience is admirable; the pro-Ukraine rally was large."),
    ("ukraine", "We welcome the peace talks in Istanbul."),
    ("ukraine", "The UKRAINIAN delegation left early."),
    ("ukraine", "The weather was fine and the harvest was good."),
    ("security", "Threats to our national security keep growing."),
    ("security", "They went home."),
]


@pytest.mark.parametrize("theme, text", PREFILTER)
def test_target_prefilter_never_changes_a_judgement(scorer, theme, text):
    from pipeline.stance.scoring import prepare

    th = scorer.themes[theme]
    fast = scorer.sentence(text, theme)
    # The prefilter passes every sentence when every lemma of it counts as a target head.
    th.__dict__["target_heads"] = frozenset(th.target_heads) | prepare(text).lemmas
    try:
        full = scorer.sentence(text, theme)
    finally:
        del th.__dict__["target_heads"]
    assert fast == full


@pytest.mark.parametrize("text,label,agent", [
    # "they" is the Russians, the nearest mention before it, not Kyiv named first.
    ("Kyiv said the Russians were massing troops and that they would attack soon.", 1, "they"),
    ("Kyiv held the line against the invaders, and now they keep retreating.", 1, "they"),
    # "it" after Ukraine is still Ukraine.
    ("Ukraine says it will shell the border villages.", -1, "it"),
])
def test_a_pronoun_stands_for_the_nearest_mention_before_it(scorer, text, label, agent):
    r = scorer.sentence(text, "ukraine")
    assert r.label == label, r.cues
    assert any(n == f"agent '{agent}'" for c in r.cues for n in c["rules"]), r.cues


def test_the_possessor_of_an_act_is_its_agent(scorer):
    # "Kyiv" is the subject of "repel", but the invasion is Moscow's.
    r = scorer.sentence("Partners help Kyiv repel Moscow's brutal invasion.", "ukraine")
    invasion = next(c for c in r.cues if c["key"] == "invasion")
    assert "agent 'Moscow'" in invasion["rules"] and invasion["value"] > 0, r.cues
    r = scorer.sentence("They sent tanks to stop Kyiv's shelling of the town.", "ukraine")
    assert r.label == -1, r.cues


@pytest.mark.parametrize("text,label", [
    ("Russia should bomb Kyiv.", -1),
    ("Russia should just bomb the capital of Ukraine.", -1),
    ("Ukraine must strike the invaders.", 1),
    ("Moscow must not attack Kyiv.", 1),
    # an act named as a noun is condemned or reported, not called for
    ("We must stop the invasion of Ukraine.", 1),
])
def test_calling_for_an_act_sides_with_its_agent(scorer, text, label):
    r = scorer.sentence(text, "ukraine")
    assert r.label == label, r.cues


@pytest.mark.parametrize("text,label", [
    ("The occupiers will seize Kherson.", 1),
    ("Russia wants to conquer Ukraine.", 1),
    ("Russian troops withdraw from Kherson.", 1),
    ("Kyiv will never beat the Russian army.", -1),
])
def test_conquest_and_withdrawal_are_read_by_whose_they_are(scorer, text, label):
    r = scorer.sentence(text, "ukraine")
    assert r.label == label, r.cues


NEWS = "The invaders shelled a power station in Kharkiv overnight"


@pytest.mark.parametrize("text,label", [
    (NEWS, 1),
    (NEWS + " #Ukraine", 1),  # one tag: a post's own remark
    (NEWS + " #Ukraine #Russia", 0),  # a headline with its distribution tags
    (NEWS + " #UkraineWar #RussiaNews", 0),
    ("We mourn: t" + NEWS[1:] + " #Ukraine #Russia", 1),  # the author's own voice
])
def test_a_shared_news_item_reports_and_takes_no_side(scorer, text, label):
    r = scorer.sentence(text, "ukraine")
    assert r.relevant and r.label == label, (text, r.cues)
    if label == 0:
        assert all("shared news item x0" in c["rules"] for c in r.cues), r.cues


def test_shared_news_is_configuration(composed_params):
    text = NEWS + " #Ukraine #Russia"
    counted = scorer_with(composed_params, lambda p, lex: p["stance"].setdefault("rules", {}).update(
        news={"factor": 1.0}))
    assert counted.sentence(text, "ukraine").label == 1
    more_tags = scorer_with(composed_params, lambda p, lex: p["stance"].setdefault("rules", {}).update(
        news={"tags": 3}))
    assert more_tags.sentence(text, "ukraine").label == 1
    no_voice = scorer_with(composed_params, lambda p, lex: lex["stance"]["rules"].pop("news"))
    assert no_voice.sentence("We mourn: t" + text[1:], "ukraine").label == 0


@pytest.mark.parametrize("theme,plain,quoted", [
    ("sanctions", "These effective sanctions changed nothing.", 'These "effective" sanctions changed nothing.'),
    ("ukraine", "Everyone praises the heroic Ukrainians.", 'Everyone praises the "heroic" Ukrainians.'),
])
def test_scare_quotes_distance_the_words_they_hold(quoting, scorer, theme, plain, quoted):
    assert quoting.sentence(plain, theme).label == 1
    r = quoting.sentence(quoted, theme)
    assert r.label == -1, r.cues
    assert any("in scare quotes" in c["rules"] for c in r.cues)
    # off by default: quotes that name or mention ('the "star wars" programme') are left as written
    assert scorer.sentence(quoted, theme).label == 1


@pytest.fixture(scope="module")
def quoting(composed_params) -> Scorer:
    return scorer_with(composed_params, lambda p, lex: p["stance"].setdefault("rules", {}).update(
        scare_quotes={"enabled": True}))


def test_a_target_in_scare_quotes_is_disputed_and_a_long_quotation_is_reported(quoting):
    scorer = quoting
    assert scorer.sentence("The sanctions were announced today.", "sanctions").label == 0
    assert scorer.sentence('The "sanctions" were announced today.', "sanctions").label == -1
    # More than three words, or a pair whose marks are in other sentences: a quotation, not scare quotes.
    assert scorer.sentence('He said "the sanctions are effective and fair" yesterday.', "sanctions").label == 1
    assert scorer.sentence('The sanctions are effective," he said.', "sanctions").label == 1


@pytest.mark.parametrize("theme,text,label", [
    ("ukraine", "Isn't it wonderful how Ukraine keeps fighting?", 1),
    ("ukraine", "Shouldn't we help Ukraine?", 1),
    ("sanctions", "Don't we all support these sanctions?", 1),
    # a question word before the auxiliary, or no question: the negation denies
    ("ukraine", "Why didn't they help Ukraine?", -1),
    ("ukraine", "It isn't wonderful how Ukraine keeps fighting.", -1),
    ("sanctions", "We don't support these sanctions.", -1),
])
def test_a_negated_yes_no_question_asserts(scorer, theme, text, label):
    r = scorer.sentence(text, theme)
    assert r.label == label, (text, r.cues)


PEACE = "Russia really wants peace with Ukraine"


@pytest.mark.parametrize("text,label", [
    (PEACE + ".", 1),
    (PEACE + " /s", -1),
    ("Yeah right, " + PEACE + ".", -1),
    ("Oh great, Russia bombed Kyiv again.", 1),  # an act is judged by whose it is, not praise
])
def test_praise_under_an_irony_tag_mocks(scorer, text, label):
    r = scorer.sentence(text, "ukraine")
    assert r.label == label, (text, r.cues)


def test_an_irony_tag_marks_its_own_sentence_and_is_configuration(scorer, composed_params):
    r = scorer.sentence("Oh great, Moscow wants a ceasefire with Ukraine. Kyiv welcomes the truce.", "ukraine")
    by_term = {c["term"]: c for c in r.cues}
    assert by_term["ceasefire"]["value"] < 0 and by_term["truce"]["value"] > 0, r.cues
    literal = scorer_with(composed_params, lambda p, lex: p["stance"].setdefault("rules", {}).update(
        irony={"factor": 1.0}))
    assert literal.sentence(PEACE + " /s", "ukraine").label == 1


def test_laughter_is_no_praise(scorer):
    assert scorer.sentence("Kyiv again, lol.", "ukraine").label == 0


def test_calling_something_a_name_is_no_call_for_it(scorer):
    # "call X a Y" names; "call for X" advocates it.
    assert scorer.sentence("The minister called the sanctions a mistake.", "sanctions").label == -1
    assert scorer.sentence("The minister called for tougher sanctions.", "sanctions").label == 1


def test_a_theme_with_its_own_thresholds_labels_by_them(composed_params, scorer):
    """A fitted theme's ``thresholds`` replace stance.thresholds for it, on either side of 0; without them nothing changes."""
    plain, weak = "The minister mentioned the sanctions last week.", "The sanctions are justified."
    assert scorer.sentence(plain, "sanctions").label == 0
    assert scorer.sentence(weak, "sanctions").label == 1
    prior = scorer_with(composed_params, lambda p, lex: lex["themes"]["sanctions"].update(
        thresholds={"negative": 0.05, "positive": 0.95}))
    for text in (plain, weak):  # the stance is the same; only the label's cut points moved
        assert prior.sentence(text, "sanctions").stance == scorer.sentence(text, "sanctions").stance
    assert prior.themes["sanctions"].thresholds == (0.05, 0.95)
    assert prior.sentence(plain, "sanctions").label == -1  # no cue: the corpus's prior, -1
    assert prior.sentence(weak, "sanctions").label == 0  # tanh(1.2) < 0.95
    assert prior.sentence("These sanctions are fully justified, deserved and effective.", "sanctions").label == 1
    assert scorer.themes["security"].thresholds is None
