"""The built-in bank of pulse statements: three for each need, answered from "strongly disagree" to
"strongly agree". Written plainly, for a ward as much as for an office."""

from retro.pulse.questions import Need, PulseQuestion


def _q(question_id: str, need: Need, text: str) -> PulseQuestion:
    return PulseQuestion(id=question_id, need=need, text=text)


BUILT_IN_BANK: tuple[PulseQuestion, ...] = (
    _q("say-in-how", Need.AUTONOMY, "I have a say in how my work is done."),
    _q("trusted-to-decide", Need.AUTONOMY, "I am trusted to make decisions in my own work."),
    _q("room-to-improve", Need.AUTONOMY, "I can change things that get in the way of good work."),
    _q("part-of-team", Need.BELONGING, "I feel part of this team."),
    _q("valued-as-person", Need.BELONGING, "People here value me as a person, not only for what I do."),
    _q("included", Need.BELONGING, "I am included in conversations that affect my work."),
    _q("makes-a-difference", Need.CONTRIBUTION, "My work makes a difference to the people we serve."),
    _q("use-my-skills", Need.CONTRIBUTION, "I get to use my skills and what I know."),
    _q("learning", Need.CONTRIBUTION, "I have learned something useful at work this week."),
    _q("manageable-load", Need.WORKLOAD, "My workload this week was manageable."),
    _q("breaks", Need.WORKLOAD, "I was able to take the breaks I needed."),
    _q("time-to-do-well", Need.WORKLOAD, "I had time to do my work well."),
    _q("help-when-needed", Need.SUPPORT, "I could get help when I needed it."),
    _q("manager-cares", Need.SUPPORT, "The person I report to cares about my wellbeing."),
    _q("tools-work", Need.SUPPORT, "I have the equipment and information I need to do my job."),
    _q("safe-to-speak", Need.SPEAK_UP, "I feel safe to speak up about things that worry me."),
    _q("mistakes-learning", Need.SPEAK_UP, "When something goes wrong, we look for the learning, not blame."),
    _q("heard", Need.SPEAK_UP, "When I raise something, I am listened to."),
)
