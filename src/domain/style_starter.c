/* style_starter.c - the starter style guide: what a help desk's replies to
 * customers should not say, and what to say instead. `allhands init` writes
 * it; a lead edits it from there. Phrases where one wording is the problem,
 * regular expressions where a family of wordings is. */
#include "domain/style.h"

#define PHRASE(n, pat, sev, w, b) \
    {.name = (n), .kind = AH_MATCH_PHRASE, .pattern = (pat), .severity = (sev), .why = (w), \
     .better = (b), .levels = "", .roles = "", .tags = "", .lifted_tags = "", .enabled = true}
#define REGEX(n, pat, sev, w, b) \
    {.name = (n), .kind = AH_MATCH_REGEX, .pattern = (pat), .severity = (sev), .why = (w), \
     .better = (b), .levels = "", .roles = "", .tags = "", .lifted_tags = "", .enabled = true}

const struct ah_style_rule ah_style_starter[] = {
    {.name = "no-fault-data-loss",
     .kind = AH_MATCH_REGEX,
     .pattern = "\\b(our\\s+(fault|mistake)|we\\s+(lost|deleted|wiped|corrupted)\\s+your"
                "|we\\s+messed\\s+up|we\\s+screwed\\s+up)\\b",
     .severity = AH_SEV_BLOCK,
     .why = "On a data-loss ticket, fault admitted in writing is a liability statement; "
            "what we own is decided by the lead with legal.",
     .better = "Say what happened and what we are doing: \"We found what happened to your "
               "data and are restoring it now; I will update you by 3 pm.\"",
     .levels = "",
     .roles = "",
     .tags = "data-loss",
     .lifted_tags = "",
     .enabled = true},
    REGEX("no-promised-dates",
          "\\b(next\\s+(week|month|release|quarter|sprint|update)|coming\\s+soon"
          "|we\\s+will\\s+(ship|release|add|launch|build)|in\\s+the\\s+next\\s+release"
          "|by\\s+(january|february|march|april|may|june|july|august|september|october"
          "|november|december|q[1-4]|the\\s+end\\s+of\\s+the\\s+(week|month|quarter|year)))\\b",
          AH_SEV_BLOCK,
          "Roadmaps move; a date or feature promised in a reply becomes a commitment the "
          "customer holds us to.",
          "Say what you can stand behind: \"I've passed this request to our product team "
          "and linked it to your account, so you'll hear when it ships.\""),
    REGEX("no-blaming-customer",
          "\\b(you\\s+should(\\s+have|['\\x{2019}]ve)|you\\s+did(n['\\x{2019}]?t|\\s+not)"
          "|your\\s+(own\\s+)?fault|user\\s+error|you\\s+failed\\s+to)\\b",
          AH_SEV_BLOCK,
          "Blame makes the customer defend themselves instead of solving the problem with us.",
          "Describe the step, not the person: \"The import needs the file saved as CSV; "
          "here is how to do that.\""),
    PHRASE("no-sorry-for-inconvenience", "sorry for the inconvenience", AH_SEV_WARN,
           "It is the stock phrase of a form letter and tells the customer we did not read "
           "their message.",
           "Name what went wrong: \"I'm sorry the export failed twice before your board "
           "meeting.\""),
    PHRASE("sorry-be-specific", "sorry", AH_SEV_TIP,
           "A bare apology says little; thanks or the specific thing shows you understood.",
           "\"Thanks for your patience while we look into this\", or apologize for the "
           "specific thing: \"I'm sorry you had to re-enter those orders.\""),
    REGEX("no-internal-jargon",
          "\\b(tickets?|escalat(e|ed|es|ing|ion)|tier\\s*[123]|SLAs?|queues?|backlog|"
          "triage[ds]?)\\b",
          AH_SEV_WARN,
          "The customer does not know our tools or our process; these words make them feel "
          "processed.",
          "Talk about their problem and people: \"I've asked our billing specialist to look "
          "at this; she'll write to you today.\""),
    PHRASE("no-just", "just", AH_SEV_WARN,
           "\"Just\" suggests the step is trivial, and the customer who is stuck on it feels "
           "slow.",
           "Drop it: \"Click Export, then choose CSV.\""),
    PHRASE("no-simply", "simply", AH_SEV_WARN,
           "\"Simply\" makes a customer who found it hard feel foolish.",
           "Give the step without the adverb: \"Open Settings and choose Billing.\""),
    PHRASE("no-obviously", "obviously", AH_SEV_WARN,
           "If it were obvious to the customer, they would not have written to us.",
           "State the fact plainly: \"The report covers the last 30 days.\""),
    PHRASE("no-easy", "easy", AH_SEV_WARN,
           "Calling a step easy leaves a customer who struggled with it feeling judged.",
           "Say how long it takes or what it needs: \"This takes about two minutes.\""),
    PHRASE("no-as-per", "as per my last", AH_SEV_WARN,
           "It reads as \"you did not read my email\", which is a reproach.",
           "Repeat the answer kindly: \"To recap the steps from earlier: ...\""),
    PHRASE("no-per-policy", "per our policy", AH_SEV_TIP,
           "Hiding behind policy sounds like a refusal to help.",
           "Give the reason and what you can do: \"We keep deleted files for 30 days, so "
           "I can restore anything since May 2.\""),
    PHRASE("no-dear-customer", "dear customer", AH_SEV_TIP,
           "A reply to a person should greet them by name.",
           "\"Hi Maria,\""),
};

const size_t ah_style_nstarter = sizeof(ah_style_starter) / sizeof(ah_style_starter[0]);
