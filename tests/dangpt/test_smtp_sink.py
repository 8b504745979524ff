"""The shared SMTP fixtures (tests/conftest.py, tests/smtp.py) that mail tests of every kind use."""

from django.core.mail import send_mail

from tests.smtp import plain_text


def test_smtp_fixture_points_django_at_a_real_server_on_loopback(smtp):
    """Django's SMTP backend delivers to the sink over a real socket; the sink keeps the message."""
    send_mail("Hello", "Plain words.", "clinic@example.test", ["ana@example.test"])
    message = smtp.wait_for(1)
    assert message["To"] == "ana@example.test"
    assert plain_text(message).strip() == "Plain words."


def test_a_stopped_sink_refuses_and_comes_back_on_its_port(smtp_sink):
    """Tests of an outage stop the sink; started again it listens on the same port."""
    import socket

    smtp_sink.stop()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", smtp_sink.port)) != 0
    smtp_sink.start()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", smtp_sink.port)) == 0
