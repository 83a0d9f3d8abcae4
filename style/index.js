import './base.css';
import './board.css';
import './collab.css';
import './views.css';
import './pins.css';
