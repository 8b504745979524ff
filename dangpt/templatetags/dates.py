"""``{{ value|shown:"weekday" }}``: a date or time in the clinic's one US format, per language.

Names are those of ``dangpt.dates.NAMED_FORMATS``; an unknown name is a template author's mistake
and raises. Datetimes show in the current time zone (``{% timezone %}`` blocks apply).
"""

from django import template

from dangpt.dates import shown as shown_value

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def shown(value, name="date"):
    return shown_value(value, name)
