#!/usr/bin/env python3
"""groups_heldout_gen.py - the held-out corpus for tuning question grouping (stdlib only).

    python3 bench/groups_heldout_gen.py                    # writes bench/groups_heldout.tsv
    python3 bench/groups_heldout_gen.py --out FILE --seed S

A second labeled corpus, in a different style from tests/groups/questions.tsv, so the grouping
can be tuned on one and checked on the other without overfitting: about 1,000 short, informal
customer messages of an online bank and an online shop, in 50 fine-grained intents (in the
style of the public BANKING77 set: "card arrival", "card not working abroad", "pending
transfer", "wrong item delivered", ...), 15 to 25 per intent.

Every intent has several quite different phrasings (templates). A template is text with
  {a|b|c}   pick one alternative (may nest; innermost first),
  [text]    optional (kept half the time),
  {@name}   a shared slot (SLOTS below), itself a template.
Generated texts then get customer-style noise: lower case, dropped final punctuation, text-speak
("u", "pls", "thx"), common misspellings ("recieve", "adress") and random keyboard typos
(swapped, dropped, doubled or neighbouring letters). No two lines are equal, and no two are
equal after case folding and dropping punctuation. Lines are shuffled (interleaved intents, as
arrival order would be). Output: `intent<TAB>text` with a header line, UTF-8.
Deterministic for a given --seed (default 77).
"""
import argparse
import os
import random
import re

SLOTS = {
    "card": "{card|card|debit card|visa card|mastercard|bank card|new card}",
    "mycard": "{my card|my debit card|my visa|my card|the card}",
    "money": "{money|money|funds|cash}",
    "transfer": "{transfer|payment|bank transfer|transfer}",
    "topup": "{top up|top-up|topup|top up}",
    "order": "{order|order|package|parcel|delivery}",
    "item": "{item|product|thing|item}",
    "amt": "{£20|£50|€30|$100|100 euros|50 quid|£200|€15|$45|20 pounds}",
    "country": "{Spain|France|the US|Thailand|Mexico|Italy|Portugal|Japan|Turkey|Greece}",
    "days": "{2 days|3 days|a week|10 days|two weeks|5 days|4 days}",
    "hi": "{hi|hey|hello|hi there|hiya}",
    "help": "{help|pls help|please help|can you help|what do i do}",
    "shop": "{amazon|a shop|an online store|the supermarket|a restaurant|a hotel|uber}",
    "still": "{still|}",
    "yet": "{yet|}",
    "why": "{why|how come}",
}

INTENTS = {
    # ---------------------------------------------------------------- bank
    "card_arrival": [
        "when will {@mycard} arrive",
        "{@still} waiting for {@mycard} to arrive[, ordered it {@days} ago]",
        "how long does it take for a new {@card} to {come|arrive|be delivered}",
        "my {@card} hasnt arrived {@yet}",
        "{whens|when is} my card {coming|getting here}",
        "i ordered a card {@days} ago and {nothing|no card} {@yet}",
        "can i track the delivery of {@mycard}",
        "{@hi} {@still} no card in the post[, {@help}]",
        "is it normal that {@mycard} is taking {@days} to arrive",
    ],
    "card_not_working_abroad": [
        "{@mycard} {doesnt|does not|won't} work in {@country}",
        "im in {@country} and {@mycard} keeps getting declined",
        "can i use {@mycard} abroad",
        "card not working {abroad|overseas|on holiday}",
        "{why|how come} does {@mycard} not work {abroad|in other countries}",
        "{@hi} im on holiday in {@country} and cant pay with my card[, {@help}]",
        "do i need to {enable|turn on|activate} my card for {use abroad|foreign payments}",
        "payments {abroad|in {@country}} {rejected|declined}",
    ],
    "exchange_rate_charge": [
        "why was i charged extra for {exchange|currency conversion}",
        "{what is|whats} the exchange rate {fee|charge}",
        "i was charged a fee for {paying|a payment} in {euros|dollars|a foreign currency}",
        "{@hi} {@why} is there an extra {fee|charge} on my {foreign|currency} {@transfer}",
        "the exchange rate you gave me {was|is} {wrong|terrible|way off}",
        "{extra|hidden} {fee|charge} on currency exchange",
        "do you charge for {exchanging|converting} {currencies|money}",
        "why did i get a worse rate {on the weekend|at the weekend}",
    ],
    "top_up_failed": [
        "{@topup} failed",
        "my {@topup} {didnt|did not} go through",
        "{why|how come} {did|does} my {@topup} keep failing",
        "tried to {@topup} with {@mycard} and it {was declined|failed|got rejected}",
        "{@hi} {cant|cannot|can't} {@topup} my account[, {@help}]",
        "{@topup} {reverted|was reverted|got cancelled}",
        "i {added|tried to add} {@amt} but the {@topup} failed",
        "error when i {@topup}",
    ],
    "pending_transfer": [
        "my {@transfer} is {@still} pending",
        "{why|how come} is my {@transfer} {@still} pending",
        "how long does a {@transfer} stay pending",
        "{@transfer} {@still} not {completed|gone through} after {@days}",
        "sent {@amt} {yesterday|this morning|on monday} and it {says|shows} pending",
        "{@hi} transfer stuck on pending[, {@help}]",
        "when will my pending {@transfer} {go through|complete|be processed}",
    ],
    "refund_not_showing": [
        "my refund {isnt|is not|hasnt been} showing {up|in my account}",
        "{the shop|the merchant|{@shop}} says they refunded me but i {dont|do not} see it",
        "where is my refund",
        "refund {@still} not {in my account|on my statement} after {@days}",
        "{@hi} {waiting|been waiting} for a refund {for|of} {@amt}, {not there|nothing {@yet}}",
        "how long do refunds take to {show|appear}",
        "{why|how come} {cant i see|is there no} refund {on|in} my {account|app}",
    ],
    "lost_or_stolen_card": [
        "i lost my card",
        "{@mycard} was stolen",
        "{someone|somebody} stole my {wallet|card|purse}[, what do i do]",
        "how do i {report|block} a {lost|stolen} card",
        "{@hi} {cant find|lost} {@mycard}, {please|pls} block it",
        "{freeze|block|cancel} my card {it's|its} {lost|been stolen|missing}",
        "lost {wallet|my bag} with my card in it",
    ],
    "pin_blocked": [
        "my pin is blocked",
        "{entered|typed} the wrong pin {3 times|three times|too many times} and now {its|it's} blocked",
        "how do i unblock my pin",
        "{@hi} {@mycard} pin {got|is} {locked|blocked}[, {@help}]",
        "pin locked after {wrong attempts|too many tries}",
        "{cant|can't} use my card, it says pin blocked",
        "unlock pin {please|pls}",
    ],
    "change_pin": [
        "how {do i|can i} change my pin",
        "i want {a new|to change my|to reset my} pin",
        "{can|could} i {change|update|pick} the pin {on|for} {@mycard}",
        "change pin {number|code}",
        "{where|how} do i {set|choose} my own pin",
        "{@hi} {forgot|forgotten} my pin, can i set a new one",
        "is it possible to change my card pin {in the app|at an atm}",
    ],
    "activate_card": [
        "how do i activate {@mycard}",
        "{activate|activating} {my new|the new|my} card",
        "{got|received} {@mycard}, {what now|how to activate it}",
        "{where|how} {do i|can i} activate {@mycard} {in the app|online}",
        "{@hi} new card {wont|won't|doesnt} activate",
        "card activation {not working|failing|help}",
        "do i need to activate {@mycard} before using it",
    ],
    "declined_card_payment": [
        "{@mycard} {was|got} declined",
        "{why|how come} was my card payment {declined|rejected}",
        "payment {declined|refused} at {@shop}",
        "{@hi} card keeps getting declined {online|in shops}[, {@help}]",
        "my card {doesnt|does not} work {in shops|online|anywhere}",
        "tried to pay {@amt} and {@mycard} was {declined|rejected}",
        "declined {transaction|payment} but i have {@money} in my account",
    ],
    "atm_fee": [
        "why was i charged for {withdrawing|taking out} {cash|money}",
        "{is there a|whats the} fee for {atm|cash} withdrawals",
        "{the atm|the cash machine} charged me a fee",
        "{@hi} {extra|unexpected} {charge|fee} for {cash withdrawal|using the atm}",
        "how many free {atm|cash} withdrawals do i get",
        "{why|how come} did i pay a fee to take out {@amt}",
    ],
    "atm_wrong_amount": [
        "the atm gave me {less|the wrong amount of} {@money}",
        "{withdrew|took out} {@amt} but {only got half|got less|the machine gave me {less|half}}",
        "atm {didnt|did not} give me {my|any} {cash|money} but {i was charged|my account was debited}",
        "{@hi} {the cash machine|the atm} {kept|swallowed} my {money|cash}",
        "wrong amount {dispensed|came out} from the atm",
        "{cash|money} {withdrawal|withdrawl} shows in app but {no cash|i got nothing}",
    ],
    "transfer_not_received": [
        "{my friend|the recipient|the person} {hasnt received|has not received|didnt get|hasnt got} my {@transfer}",
        "{sent|transferred} {@amt} {@days} ago and they {@still} {dont|don't} have it",
        "transfer {says|shows} complete but {recipient|they} {didnt get|cant see} the {@money}",
        "{@hi} {@money} {never arrived|not arrived} {in|at} the other account",
        "why hasnt my {@transfer} {reached|got to} {the beneficiary|my landlord|my mum}",
        "{payee|recipient|beneficiary} says {@money} not received",
    ],
    "cancel_transfer": [
        "{how do i|can i} cancel a {@transfer}",
        "i {sent|made} a {@transfer} by mistake, {can i|how to} {cancel|stop|reverse} it",
        "{cancel|stop} my {@transfer} {please|pls|asap}",
        "{@hi} {wrong|sent to the wrong} {account|person}, {cancel|reverse} the {@transfer}",
        "is it possible to {undo|reverse} a {@transfer}",
        "{accidentally|mistakenly} sent {@amt}[, can i get it back]",
    ],
    "verify_identity": [
        "{how do i|why do i need to} verify my {identity|id}",
        "{identity|id} verification {failed|not working|keeps failing}",
        "{what|which} documents do {i need|you accept} {for verification|to verify}",
        "{@hi} {my|the} {passport|id|selfie} {wasnt|won't be|isnt} accepted",
        "{how long|how much longer} does {verification|verifying my id} take",
        "{why|how come} {do you|does the app} {@still} need to verify me",
        "stuck on {identity|id} {check|verification}",
    ],
    "apple_google_pay": [
        "{can i|how do i} add {@mycard} to {apple pay|google pay}",
        "{apple pay|google pay} {not working|isnt working|doesnt work}",
        "{do you|does this bank} support {apple pay|google pay|samsung pay}",
        "{@hi} {cant|can't} add card to {apple|google} {pay|wallet}",
        "{top up|pay} with {apple pay|google pay}[?]",
        "my {iphone|phone|watch} {wont|won't} let me add {@mycard} {to the wallet|to apple pay}",
    ],
    "virtual_card": [
        "{how do i|can i} get a virtual card",
        "{what is|whats} a virtual card",
        "{@hi} {i want|need} {a virtual|a disposable|an online only} card {for shopping online|for online purchases}",
        "{where|how} {do i|can i} {find|see} my virtual card {details|number}",
        "is there a fee for virtual cards",
        "{create|make|order} a virtual card",
        "how many virtual cards can i have",
    ],
    "top_up_limits": [
        "{is there a|whats the} {@topup} limit",
        "how much can i {@topup} {at once|per month|in a day}",
        "{max|maximum} {@topup} amount",
        "{@hi} can i {@topup} more than {@amt}",
        "{why|how come} {cant i|can i not} {@topup} more {@money}",
        "{limits|limit} on {adding money|top ups}",
    ],
    "direct_debit_unknown": [
        "{there is|theres} a direct debit i {dont|do not} recognise",
        "{unknown|strange|weird} direct debit on my account",
        "{who|what} is this direct debit {from|for}",
        "{@hi} direct debit i never set up[, {@help}]",
        "{cancel|stop} {a|this} direct debit i didnt {agree to|authorise}",
        "{someone|a company} took {@amt} by direct debit {without asking|without permission}",
    ],
    "card_payment_not_recognised": [
        "{there is|theres} a {payment|transaction|charge} i {dont|do not|didnt} recognise",
        "i {didnt|did not} make this {card payment|payment|purchase}",
        "{strange|weird|unknown|suspicious} {payment|transaction} {on my card|in my account}",
        "{@hi} {someone|somebody} used my card[, {@help}]",
        "{@amt} {at|from} {@shop} {i never made|that wasnt me}",
        "fraud on my card {i think|?}",
        "{unauthorised|unauthorized} {transaction|payment} on {@mycard}",
    ],
    "add_beneficiary": [
        "{how do i|how can i} add a {new|} {payee|beneficiary|recipient}",
        "{cant|can't|unable to} add {a|new} {payee|beneficiary}",
        "{@hi} adding {a beneficiary|someone to send money to} {isnt working|fails}",
        "{why|how come} {was|is} my {payee|beneficiary} {not allowed|rejected|blocked}",
        "{set up|save} a new {payee|recipient}",
        "how to send {@money} to someone new",
    ],
    "change_personal_details": [
        "{how do i|how can i} change my {address|name|phone number}",
        "{i moved|i've moved|moved house}, {how do i update|update} my address",
        "{update|change|edit} my {personal details|details|address}",
        "{@hi} {got married|changed my name}, {how to|need to} update it",
        "{wrong|incorrect|misspelled} {name|address} on my account",
        "{new phone number|changed my number}, {how do i update it|how to change it}",
    ],
    "close_bank_account": [
        "{how do i|how can i|i want to} close my account",
        "{delete|close|terminate} my account {please|pls}",
        "{@hi} i {dont|do not} need this account anymore",
        "{what happens|where does my money go} if i close my account",
        "{close|closing} {my|the} account and {withdraw|get} my {@money}",
        "i want to leave {this bank|the bank}, how",
    ],
    "savings_interest": [
        "{what is|whats} the interest rate {on|for} savings",
        "do you {pay|offer} interest on {savings|my balance}",
        "{@hi} {how do i|can i} open a savings {account|pot|vault}",
        "{when|how often} is interest {paid|added}",
        "{why|how come} did my {interest|interest rate} {go down|drop|change}",
        "savings {rates|interest} {explained|?}",
    ],
    "contactless_not_working": [
        "contactless {not working|doesnt work|isnt working}",
        "{why|how come} {doesnt|won't} {@mycard} work {contactless|for tap}",
        "{@hi} {tap|tapping} {to pay|my card} {doesnt|does not} work",
        "{can i|how do i} {enable|turn on} contactless",
        "contactless {declined|rejected} {but chip and pin works|in shops}",
        "{tap and go|contactless payments} {not going through|failing}",
    ],
    "card_expiring": [
        "{@mycard} {expires|is expiring} {soon|next month}, {what now|do i get a new one}",
        "{will|do} i get a {new|replacement} card {automatically|before it expires}",
        "{how do i|can i} {renew|replace} an {expiring|expired} card",
        "{@hi} {my card|card} {expired|is expired}[, {@help}]",
        "{when|how soon} {will|do} you send {a replacement|the new card} before {my card|the old one} expires",
    ],
    "supported_currencies": [
        "{which|what} currencies {do you support|can i hold|are supported}",
        "can i {hold|have|exchange to} {yen|swiss francs|zloty|dollars|euros} {in my account|in the app}",
        "{is {crypto|bitcoin|the rand|the peso|the lira|hkd}|are {yen|zloty|krona}} supported",
        "{@hi} which currencies {can i use|are available}",
        "list of currencies{ you support|}",
        "{do you|does the app} support {multi currency|multiple currencies}",
    ],
    "deposit_not_showing": [
        "{cash|cheque|check} deposit {not showing|missing|not in my account}",
        "{i|} {deposited|paid in} {@amt} and {it's|its|it is} not {there|showing} {@yet}",
        "{@hi} {salary|my wages|my paycheck} {hasn't|hasnt|didnt} arrived",
        "{why|how come} {is|isnt} my balance {not updated|the same} after {a deposit|paying in money}",
        "{money|funds} {i|} paid in {@days} ago {not showing|still missing}",
    ],
    # ---------------------------------------------------------------- shop
    "wrong_item_delivered": [
        "{i|} {got|received} the wrong {@item}",
        "{wrong|incorrect} {@item} {delivered|in my {@order}}",
        "{this|that} is not what i ordered",
        "{@hi} {you sent|i received} {the wrong|a different} {size|colour|color|model}",
        "ordered {a blue one|black shoes|a medium|an iphone case} and got {something else|a red one|a large|the wrong one}",
        "{my|the} {@order} {had|contained} {someone elses|the wrong} {stuff|items}",
        "{why|how come} did i get {the wrong|a different} {@item}",
    ],
    "change_delivery_address": [
        "{how do i|can i} change {my|the} delivery address",
        "{wrong|incorrect|old} {address|adress} on my {@order}",
        "{@hi} {i need to|need to|can i} {update|change} {the|my} shipping address {for|on} {my|an} order",
        "{can you|could you} {send|deliver|redirect} my {@order} to {a different|another|my work} address",
        "{moved|i moved} {house|recently}, {change|update} address for {my|the} {@order}",
        "{deliver|ship} to {a different|another} address {please|pls}",
        "{typo|mistake} in {my|the} {address|postcode|zip code}",
    ],
    "order_not_arrived": [
        "{where is|wheres} my {@order}",
        "{my|the} {@order} {hasnt|has not|never} arrived",
        "{@still} {waiting for|havent received} my {@order} after {@days}",
        "{@hi} {@order} {was|is} {late|overdue|delayed}[, {@help}]",
        "{it|the tracking} says delivered but {i|we} {didnt|never} {get|receive} it",
        "when will my {@order} {arrive|be delivered|come}",
        "{ordered|bought} {something|a {@item}} {@days} ago {and|but} {nothing|no {@order}} {@yet}",
    ],
    "damaged_item": [
        "{my|the} {@item} {arrived|came} {damaged|broken|smashed}",
        "{@item} was {broken|faulty|cracked|ripped} {on arrival|when it arrived|out of the box}",
        "{@hi} {the box|the {@order}} was {crushed|damaged} and {the|my} {@item} {is|was} broken",
        "{received|got} a {damaged|defective|faulty} {@item}[, {what now|{@help}}]",
        "{the|my} {screen|glass|vase|lid} {was cracked|was broken|was smashed} when i opened {it|the box}",
        "{can i|how do i} get a {replacement|refund} for a {broken|damaged} {@item}",
    ],
    "return_item": [
        "{how do i|how can i|i want to} return {my|this|the} {@item}",
        "{what is|whats} your {return|returns} policy",
        "{@hi} {need|want} to send {this|it|the {@item}} back",
        "{return label|returns label} {please|pls|?}",
        "can i return {something|it|this {@item}}[ after 30 days]",
        "how long do i have to return {something|it|an item}",
        "{do i|will i} have to pay for {the return|return shipping|returns}",
        "{start|starting} a return",
    ],
    "cancel_order": [
        "{how do i|how can i|i want to} cancel my {order|purchase|order}",
        "cancel {order|my order} {please|pls|asap}",
        "{@hi} {ordered|bought} {the wrong thing|by mistake}, {can i|how to} cancel",
        "{can i cancel an order that has {shipped|been dispatched}|can i cancel my order before it ships|is it too late to cancel my order}",
        "{i|} {changed my mind|no longer want it}, cancel {the|my} order",
        "{where is|wheres} the cancel {button|option} {for orders|on my order}",
    ],
    "discount_code_not_working": [
        "{my|the} {discount|promo|voucher|coupon} code {doesnt work|isnt working|won't work}",
        "{discount|promo|voucher} code {not working|invalid|rejected|expired}",
        "{@hi} {it says|says} {my|the} code is {invalid|not valid}",
        "{how do i|where do i} {use|enter|apply} a {discount|promo|voucher} code",
        "{forgot|forgot to use} my {discount|promo} code, {can you|could you} {apply|add} it",
        "how come {my|the} {coupon|voucher} {isnt applied|wont apply|didnt apply}",
        "why {wont|didnt|doesnt} {my|the} {coupon|voucher} apply",
    ],
    "change_order": [
        "{can i|how do i} change {my|the} {order|size|colour} {before it ships|after ordering}",
        "{i want to|need to} {add an item to|remove an item from|add something to|take something off} my order",
        "{@hi} {ordered|picked} the wrong {size|colour|color|quantity}, {can i|can you} change it {before dispatch|before it ships|?}",
        "{change|edit|modify} {my|an} order {please|pls}",
        "{update|change} {quantity|the size} on {my|an} {open|} order",
    ],
    "exchange_size": [
        "{can i|how do i} exchange {for|it for} a {different|bigger|smaller} size",
        "{@item} {doesnt|does not} fit, {can i|want to} {swap|exchange} it",
        "{@hi} {too small|too big|wrong size}, {exchange|swap} {please|pls|?}",
        "{exchange|swap} {shoes|jeans|dress|jacket} for {a size up|a size down|another size}",
        "{how do exchanges work|how does an exchange work}",
    ],
    "tracking_number": [
        "{where|how} {do i|can i} {find|get} my tracking number",
        "{no tracking {number|link|info}|didnt get a tracking {number|link}|didn't receive a tracking {number|link}}",
        "{@hi} {can you|could you} {send|give} me the tracking {number|link} {for|of} my {@order}",
        "{track|tracking} my {@order}",
        "{tracking|the tracking number|the tracking link} {doesnt work|isnt working|does not work}",
        "{tracking|the tracking} hasnt {updated|moved} in {@days}",
    ],
    "missing_item_in_package": [
        "one {@item} {was|is} missing from my {@order}",
        "{my|the} {@order} {arrived|came} {with something missing|incomplete}",
        "{only got|received only} {1 of 2 items|2 of 3 items|part of my order}",
        "{@hi} {missing|there are missing} {items|products} in {my|the} {box|{@order}}",
        "{where is|wheres} the {rest|other item} of my {@order}",
        "{box|parcel} {was|came} {half empty|missing stuff}",
    ],
    "delivery_cost": [
        "{how much is {delivery|shipping|postage}|how much does {delivery|shipping} cost|what does {delivery|shipping} cost}",
        "{is there|do you offer|any} free {delivery|shipping}",
        "{why|how come} {was|is} {delivery|shipping} {so expensive|{@amt}}",
        "{@hi} {what are|whats} the {delivery|shipping} {charges|fees|costs}",
        "{minimum|min} {order|spend} for free {delivery|shipping}",
        "{express|next day} delivery {price|cost}",
    ],
    "international_shipping": [
        "do you {ship|deliver} to {@country}",
        "{international|overseas|worldwide} {shipping|delivery} {available|?}",
        "{@hi} {can i order from {abroad|{@country}}|can you ship {abroad|to {@country}}}",
        "{which|what} countries do you {ship|deliver} to",
        "{customs|import} {fees|duties} for {@country}",
        "{how long does shipping to {@country} take|how many days to ship to {@country}|shipping time to {@country}}",
    ],
    "payment_options": [
        "{what|which} payment {methods|options} {do you accept|are there}",
        "{can i|do you let me} pay {with|by} {paypal|klarna|apple pay|bank transfer|cash on delivery}",
        "{@hi} {do you {do|offer} buy now pay later|is there {buy now pay later|pay in instalments|a pay later option}}",
        "{pay|paying} {with|by} {paypal|klarna} {not available|option missing}",
        "{can i|is it possible to} {split|spread} {the|my} payment",
    ],
    "price_match": [
        "{the price|it} {dropped|went down} {after|right after} i {bought|ordered} it",
        "{do you|can you} {price match|match a lower price}",
        "{@hi} {its|it's|it is} cheaper {elsewhere|on another site|at {amazon|ebay|another shop|argos}}, {can you match it|price match?}",
        "{refund|give me} the {difference|price difference}[ please]",
        "{sale|discount} started {the day after|after} {i ordered|my order}",
    ],
    "gift_card_balance": [
        "{how do i|how can i} check my gift card balance",
        "{gift card|gift voucher} {not working|rejected|invalid}",
        "{@hi} {how much is left|whats left} on my gift card",
        "{can i|how do i} {use|redeem|apply} a gift card {online|at checkout}",
        "{gift card|voucher} {expired|expiry date}",
        "{combine|use} {a gift card|gift cards} {with|and} {@mycard}",
    ],
    "shop_password_reset": [
        "{forgot|forgotten|lost} my password",
        "{how do i|can i} reset my password",
        "{@hi} {i|} {cant|can't} log in to my account",
        "{password reset|reset} {email|link} {not received|never came|not arriving}",
        "{reset link|the reset link|password link} {expired|not working|doesnt work}",
        "{locked out of|cant sign in to} my {account|shop account}",
    ],
    "unsubscribe_newsletter": [
        "{how do i|how can i} {unsubscribe from|stop getting} {emails|the newsletter|marketing emails}",
        "{stop|please stop} {sending me {emails|newsletters|promos}|spamming me}",
        "{@hi} {too many|so many} {emails|promo emails} from you",
        "{unsubscribe|unsub} {me|} {please|pls|}",
        "{unsubscribe link|the unsubscribe link} {doesnt|does not} work",
        "{turn off|opt out of} {marketing|promotional} {emails|texts|sms}",
    ],
    "back_in_stock": [
        "{when will|will} {this|the} {@item} {be back in stock|come back}",
        "{out of stock|sold out}, {when|any idea when} {restocking|restock}",
        "{@hi} {can you|could you|pls} {notify|tell|email} me when {it's|it is|its} {back in stock|available again}",
        "{restock|back in stock} {date|alert|notification}",
        "{are you|will you be} {restocking|getting more of} {size {8|10|M|L}|this}",
    ],
    "invoice_for_order": [
        "{can i|how do i} get an invoice for my {@order}",
        "{i need|need} {a vat invoice|an invoice|a receipt} for my {purchase|order}",
        "{@hi} {where|how} {do i|can i} {download|find|get} {the|an|my} {invoice|receipt}",
        "{send|email} me {the|a} {receipt|invoice} {please|pls|}",
        "{invoice|receipt} {with|showing} my company {name|details}",
        "{no {invoice|receipt}|didnt get an invoice|didnt get a receipt|didn't receive {an invoice|a receipt}} {for|with} my {@order}",
    ],
    "warranty_repair": [
        "{is|was} {my|the} {@item} {under|covered by} warranty",
        "{how do i|how can i} {claim|use} {the|my} warranty",
        "{@hi} {@item} {stopped working|broke|died} after {a few months|6 months|a year}[, {@help}]",
        "{repair|fix} {my|a} {broken|faulty} {@item} {under warranty|?}",
        "{how long is the warranty|whats the warranty period|whats the warranty on {this|electronics}}",
        "{faulty|defective} after {3 months|a few weeks}, {repair|replacement} {please|?}",
    ],
}

# Common misspellings customers make (applied per word, sometimes).
MISSPELL = {
    "receive": "recieve", "received": "recieved", "receiving": "recieving",
    "address": "adress", "arrived": "arived", "arrive": "arive",
    "transfer": "tranfer", "transferred": "transfered", "account": "acount",
    "because": "becuase", "payment": "payement", "withdrawal": "withdrawl",
    "cancel": "cancell", "cancelled": "canceled", "definitely": "definately",
    "delivered": "deliverd", "delivery": "delivary",
    "exchange": "exhange", "currency": "currancy", "currencies": "currancies",
    "balance": "balence", "beneficiary": "benificiary", "password": "pasword",
    "tracking": "traking", "which": "wich", "weird": "wierd", "still": "stil",
    "order": "oder", "verify": "verfy", "identity": "identiy", "warranty": "warrenty",
    "discount": "discont", "damaged": "damged", "contactless": "contactles",
    "unsubscribe": "unsubcribe", "different": "diffrent", "immediately": "immediatly",
}
TEXTSPEAK = {
    "you": "u", "your": "ur", "please": "pls", "thanks": "thx", "are": "r",
    "i'm": "im", "don't": "dont", "can't": "cant", "doesn't": "doesnt", "why": "y",
    "tomorrow": "tmrw", "because": "cos", "what": "wat", "for": "4",
}
KEYB = {
    "a": "qs", "s": "ad", "d": "sf", "e": "wr", "r": "et", "t": "ry", "i": "uo", "o": "ip",
    "n": "bm", "m": "n", "c": "xv", "l": "k", "h": "gj", "u": "yi", "y": "tu", "g": "fh",
}
SUFFIXES = ["?", "??", "!", ".", " pls", " asap", " thx", " help", " ?", "...", " :(", ""]


def expand(template, rng):
    text = template
    for _ in range(50):
        # innermost alternation / slot / optional group first
        m = re.search(r"\{([^{}\[\]]*)\}|\[([^{}\[\]]*)\]", text)
        if not m:
            break
        if m.group(1) is not None:
            body = m.group(1)
            if body.startswith("@"):
                rep = SLOTS[body[1:]]
            else:
                rep = rng.choice(body.split("|"))
        else:
            rep = m.group(2) if rng.random() < 0.5 else ""
        text = text[:m.start()] + rep + text[m.end():]
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,?!.])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    # "how come" takes no inversion: "how come did i ..." reads "why did i ..."
    text = re.sub(r"\bhow come (?=(?:is|was|did|does|do|are|were|can|cant|can't|isnt|doesnt|won't|wont)\b)",
                  "why ", text)
    return text.strip(" ,")


def typo(word, rng):
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:    # swap neighbours
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 1:    # drop a letter
        return word[:i] + word[i + 1:]
    if op == 2:    # double a letter
        return word[:i] + word[i] + word[i:]
    c = word[i].lower()
    if c in KEYB:  # neighbouring key
        return word[:i] + rng.choice(KEYB[c]) + word[i + 1:]
    return word


def noisy(text, rng):
    words = text.split(" ")
    out = []
    textspeak = rng.random() < 0.3
    for w in words:
        core = w.rstrip(",?!.")
        tail = w[len(core):]
        low = core.lower()
        if low in MISSPELL and rng.random() < 0.35:
            core = MISSPELL[low]
        elif textspeak and low in TEXTSPEAK and rng.random() < 0.6:
            core = TEXTSPEAK[low]
        elif rng.random() < 0.06:
            core = typo(core, rng)
        out.append(core + tail)
    text = " ".join(out)
    if rng.random() < 0.08 and not re.match(r"(hi|hey|hello|hiya)\b", text, re.I):
        text = rng.choice(["urgent: ", "quick q: ", "question - ", "hello, ", "um "]) + text
    r = rng.random()
    if r < 0.22:
        text = text[:1].upper() + text[1:]
    elif r < 0.27:
        text = text.upper() if len(text) < 40 else text
    text = text.rstrip("?!. ")
    suf = rng.choice(SUFFIXES)
    polite = ("pls", "please", "plz")
    last = text.lower().rsplit(" ", 1)[-1]
    if suf.strip() and (last == suf.strip() or (last in polite and suf.strip() in polite)):
        suf = ""
    text += suf
    return text.strip()


def key(text):
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def generate(seed):
    rng = random.Random(seed)
    seen = set()
    rows = []
    for intent, templates in INTENTS.items():
        want = rng.randint(15, 25)
        got = 0
        # round-robin over a shuffled template list so every phrasing is used
        order = list(templates)
        rng.shuffle(order)
        tries = 0
        while got < want and tries < 5000:
            tpl = order[tries % len(order)]
            tries += 1
            t = noisy(expand(tpl, rng), rng)
            k = key(t)
            if len(k.split()) < 2 or k in seen or "\t" in t:
                continue
            seen.add(k)
            rows.append((intent, t))
            got += 1
        if got < 15:
            raise SystemExit("intent %s: only %d distinct questions" % (intent, got))
    rng.shuffle(rows)
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "groups_heldout.tsv"))
    ap.add_argument("--seed", type=int, default=77)
    a = ap.parse_args()
    rows = generate(a.seed)
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("intent\ttext\n")
        for intent, text in rows:
            f.write("%s\t%s\n" % (intent, text))
    print("%s: %d questions, %d intents" % (a.out, len(rows), len(INTENTS)))


if __name__ == "__main__":
    main()
