import './base.css';
import './board.css';
import './views.css';
